using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Segments.Api.Tenancy;

namespace Segments.Api.Authentication;

/// <summary>Who calls the routes that need a caller: the tenant of an API key, or an App Service principal's.</summary>
public static class CallerAuthentication
{
    /// <summary>The authentication scheme of every route that needs a caller: the API key's, or an App Service principal's.</summary>
    public const string Scheme = "Caller";

    /// <summary>The caller scheme with its two schemes, their options (<c>Segments:Authentication</c>, <c>Segments:EntraCallers</c>) and authorization.</summary>
    public static IServiceCollection AddCallerAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EntraCallersOptions>().Bind(configuration.GetSection(EntraCallersOptions.Section))
            .Validate<IOptions<TenantsOptions>>((callers, tenants) => string.IsNullOrEmpty(callers.Tenant) || tenants.Value.Tenants.Any(t => t.Id == callers.Tenant),
                $"{EntraCallersOptions.Section}:Tenant is not the id of a configured tenant (Segments:Tenants:N:Id)")
            .ValidateOnStart();
        // An API key, or (deployed with Entra ID in front of the API) an App Service principal: one scheme picks.
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, null, o => o.ForwardDefaultSelector = context =>
                AppServicePrincipalHandler.Applies(context, context.RequestServices.GetRequiredService<IOptions<EntraCallersOptions>>().Value)
                    ? AppServicePrincipalHandler.SchemeName
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, AppServicePrincipalHandler>(AppServicePrincipalHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddOptions<ApiKeyOptions>().Bind(configuration.GetSection(ApiKeyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<FailedAuthentications>();
        return services;
    }
}
