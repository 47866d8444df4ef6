using Segments.Core.Ports;
using Segments.Engine.Language;

namespace Segments.Core.Tenancy;

/// <summary>The tenants of the configuration (<c>Segments:Tenants</c>), with their API keys hashed on load.</summary>
public sealed class ConfiguredTenantDirectory : ITenantDirectory
{
    /// <summary>Shorter keys are guessable.</summary>
    public const int MinApiKeyLength = 24;

    /// <summary>The size of an HMAC-SHA256 key that adds no weakness.</summary>
    public const int MinTokenSecretBytes = 32;

    private readonly Tenant[] _tenants;

    public ConfiguredTenantDirectory(IEnumerable<TenantSettings> settings)
    {
        var all = settings.ToArray();
        if (Validate(all) is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(settings));
        }
        _tenants = [.. all.Select(s => new Tenant(s.Id, ApiKeyHash.Of(s.ApiKey), s.PixelKey, Convert.FromBase64String(s.TokenSecret), [.. s.AllowedOrigins]))];
    }

    /// <summary>What is wrong with the configured tenants, by position; the messages never include a key.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<TenantSettings> settings)
    {
        var problems = new List<string>();
        for (var i = 0; i < settings.Count; i++)
        {
            var s = settings[i];
            var at = $"Segments:Tenants:{i}";
            if (!DefinitionParser.IdShape().IsMatch(s.Id))
            {
                problems.Add($"{at}:Id must be 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit");
            }
            if (s.ApiKey.Length < MinApiKeyLength)
            {
                problems.Add($"{at}:ApiKey must have at least {MinApiKeyLength} characters");
            }
            if (!TryDecode(s.TokenSecret, out var secret) || secret.Length < MinTokenSecretBytes)
            {
                problems.Add($"{at}:TokenSecret must be base64 of at least {MinTokenSecretBytes} random bytes");
            }
            if (s.AudienceRetentionDays is < 0)
            {
                problems.Add($"{at}:AudienceRetentionDays must be a number of days, or 0 to keep audiences");
            }
            if (settings.Take(i).Any(o => o.Id == s.Id))
            {
                problems.Add($"{at}:Id '{s.Id}' is configured twice");
            }
            if (settings.Take(i).Any(o => o.ApiKey == s.ApiKey))
            {
                problems.Add($"{at}:ApiKey is the key of another tenant");
            }
        }
        return problems;
    }

    private static bool TryDecode(string base64, out byte[] bytes)
    {
        bytes = new byte[base64.Length];
        var ok = Convert.TryFromBase64String(base64, bytes, out var written);
        bytes = bytes[..written];
        return ok;
    }

    public ValueTask<Tenant?> FindByApiKeyAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        var presented = ApiKeyHash.Of(apiKey);
        Tenant? found = null;
        // Every tenant is compared, so the time taken says nothing about which one (if any) matched.
        foreach (var tenant in _tenants)
        {
            if (tenant.ApiKey.Matches(presented))
            {
                found = tenant;
            }
        }
        return ValueTask.FromResult(found);
    }
}
