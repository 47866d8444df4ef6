using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Segments.Api.Tenancy;
using Segments.Core.Ports;
using Segments.Core.Tenancy;

namespace Segments.Api.Ingestion;

/// <summary>A tenant as the pixel sees it: the tenant, and its allowed origins normalised for comparison.</summary>
public sealed record PixelTenant(Tenant Tenant, FrozenSet<string> Origins);

/// <summary>
/// The configured tenants (<c>Segments:Tenants</c>) found by public pixel key (the pixel routes) or by id (the
/// token route, whose tenant comes from the API key). <see cref="ITenantDirectory"/> finds tenants by API key only.
/// </summary>
public sealed class PixelTenants
{
    private readonly FrozenDictionary<string, PixelTenant> _byPixelKey;
    private readonly FrozenDictionary<string, PixelTenant> _byId;

    public PixelTenants(IOptions<TenantsOptions> options)
    {
        var tenants = options.Value.Tenants.Select(s => new PixelTenant(
            new Tenant(s.Id, ApiKeyHash.Of(s.ApiKey), s.PixelKey, Convert.FromBase64String(s.TokenSecret), [.. s.AllowedOrigins]),
            s.AllowedOrigins.Select(PixelOrigins.Normalize).OfType<string>().ToFrozenSet(StringComparer.Ordinal))).ToList();
        _byPixelKey = tenants.Where(t => t.Tenant.PixelKey.Length > 0).ToFrozenDictionary(t => t.Tenant.PixelKey, StringComparer.Ordinal);
        _byId = tenants.ToFrozenDictionary(t => t.Tenant.Id, StringComparer.Ordinal);
    }

    public PixelTenant? ByPixelKey(string? key) => key is not null && _byPixelKey.TryGetValue(key, out var tenant) ? tenant : null;

    public PixelTenant? ById(string id) => _byId.TryGetValue(id, out var tenant) ? tenant : null;
}

/// <summary>
/// Pixel keys and origins checked at start-up (alongside the tenant checks of <see cref="TenantsOptionsValidation"/>):
/// a key is empty (no pixel) or 8 to 128 URL-safe characters, used by one tenant only; an origin is
/// <c>scheme://host[:port]</c> with http or https and nothing after.
/// </summary>
public sealed partial class PixelTenantsValidation : IValidateOptions<TenantsOptions>
{
    public ValidateOptionsResult Validate(string? name, TenantsOptions options)
    {
        var problems = new List<string>();
        for (var i = 0; i < options.Tenants.Count; i++)
        {
            var tenant = options.Tenants[i];
            var at = $"{TenantsOptions.Section}:Tenants:{i}";
            if (tenant.PixelKey.Length > 0 && !KeyShape().IsMatch(tenant.PixelKey))
            {
                problems.Add($"{at}:PixelKey must be 8 to 128 letters, digits, '_' or '-'");
            }
            if (tenant.PixelKey.Length > 0 && options.Tenants.Take(i).Any(o => o.PixelKey == tenant.PixelKey))
            {
                problems.Add($"{at}:PixelKey is the pixel key of another tenant");
            }
            for (var j = 0; j < tenant.AllowedOrigins.Count; j++)
            {
                if (PixelOrigins.Normalize(tenant.AllowedOrigins[j]) is null || new Uri(tenant.AllowedOrigins[j]).PathAndQuery != "/")
                {
                    problems.Add($"{at}:AllowedOrigins:{j} must be an origin such as https://shop.example (scheme, host, optional port)");
                }
            }
        }
        return problems.Count > 0 ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{8,128}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShape();
}
