using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Segments.Api.Authentication;

/// <summary>
/// Callers signed in with Entra ID through App Service Authentication (the console deployed beside the Functions app):
/// App Service validates their bearer token and passes who they are as <c>X-MS-CLIENT-PRINCIPAL-*</c> headers, which it
/// sets itself and removes from what clients send. Such a caller acts for the one tenant of
/// <c>Segments:EntraCallers:Tenant</c>; with that setting empty (<c>segments serve</c>, or no Entra ID configured) the
/// headers are never trusted.
/// </summary>
public sealed class AppServicePrincipalHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<EntraCallersOptions> callers)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "AppServicePrincipal";
    public const string IdentityProviderHeader = "X-MS-CLIENT-PRINCIPAL-IDP";
    public const string PrincipalIdHeader = "X-MS-CLIENT-PRINCIPAL-ID";

    /// <summary>Whether the request carries an Entra ID principal that this app is configured to trust.</summary>
    public static bool Applies(Microsoft.AspNetCore.Http.HttpContext context, EntraCallersOptions callers) =>
        callers.Tenant is { Length: > 0 } && context.Request.Headers[IdentityProviderHeader] == "aad"
        && !string.IsNullOrEmpty(context.Request.Headers[PrincipalIdHeader]);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Applies(Context, callers.Value))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var identity = new ClaimsIdentity([new Claim(ApiKeyAuthenticationHandler.TenantClaim, callers.Value.Tenant!)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

/// <summary><c>Segments:EntraCallers</c>: the tenant that callers signed in with Entra ID act for (empty: none are trusted).</summary>
public sealed class EntraCallersOptions
{
    public const string Section = "Segments:EntraCallers";

    public string? Tenant { get; set; }
}
