using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segments.Api.Http;
using Segments.Core.Tenancy;

namespace Segments.Api.Authentication;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c>: the key's tenant becomes the caller's <see cref="TenantClaim"/>, the
/// only place handlers take the tenant from. A missing or unknown key is answered 401 with a problem.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ITenantDirectory tenants)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string TenantClaim = "segments:tenant";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var tenant = await tenants.FindByApiKeyAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (tenant is null)
        {
            Logger.LogInformation("Refused an unknown API key on {Path}", Request.Path); // No address: the logs keep no personal data.
            return AuthenticateResult.Fail("unknown API key");
        }
        var identity = new ClaimsIdentity([new Claim(TenantClaim, tenant.Id)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Refusal(StatusCodes.Status401Unauthorized, "An API key is required",
            "$", "send the tenant's API key as 'Authorization: Bearer <key>'").ExecuteAsync(Context);
    }
}
