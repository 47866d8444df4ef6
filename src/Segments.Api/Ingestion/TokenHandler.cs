using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Segments.Api.Authentication;
using Segments.Core.Ingestion;
using Segments.Core.Language;
using Segments.Core.Model;

namespace Segments.Api.Ingestion;

public sealed record ContactTokenResponse(string Token, string ContactId, string ExpiresAt);

/// <summary>
/// <c>POST /api/contacts/{id}/token</c>: a signed contact token for the click tracker to append to links as
/// <c>seg_t</c>, for the caller's tenant (from the API key). An optional body <c>{"expiresIn": "30d"}</c> sets the
/// lifetime (default 90 days, at most 365). The contact need not exist yet: the token only says whose visit it
/// is, and it is worthless to any other tenant.
/// </summary>
public sealed class TokenHandler(PixelTenants tenants, ContactTokens tokens)
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    private const int MaxBodyBytes = 1024;

    public async Task<IResult> PostAsync(CallerTenant caller, string id, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!EventRules.IsContactId(id))
        {
            return Http.Problems.Invalid("$.id", $"a contact id has 1 to {EventRules.MaxContactIdLength} characters, none of them control characters or '|'");
        }
        var (lifetime, refusal) = await LifetimeAsync(request, cancellationToken);
        if (refusal is not null)
        {
            return refusal.ToResult();
        }
        // The caller was authenticated by its tenant's key, so the tenant is configured.
        var tenant = tenants.ById(caller.Id)?.Tenant ?? throw new InvalidOperationException($"tenant '{caller.Id}' is not configured");
        var token = tokens.Issue(tenant.Id, id, tenant.TokenSecret, lifetime);
        var issued = tokens.Verify(token, tenant.Id, tenant.TokenSecret).Token!;
        return TypedResults.Ok(new ContactTokenResponse(token, id, Rfc3339.Format(issued.ExpiresAt)));
    }

    private static async Task<(TimeSpan Lifetime, Refusal? Refusal)> LifetimeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await BoundedBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return (default, tooLarge);
        }
        using (body)
        {
            if (body.Length == 0)
            {
                return (ContactTokens.DefaultLifetime, null);
            }
            var (json, invalid) = body.Parse(maxDepth: 4);
            if (json is null)
            {
                return (default, invalid);
            }
            using (json)
            {
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Any(p => p.Name != "expiresIn"))
                {
                    return (default, Refusal.Invalid("body", "$", "the body is empty or {\"expiresIn\": \"30d\"}"));
                }
                if (!root.TryGetProperty("expiresIn", out var expiresIn) || expiresIn.ValueKind == JsonValueKind.Null)
                {
                    return (ContactTokens.DefaultLifetime, null);
                }
                // A string whose escapes make no text ("\ud800") reads as no duration.
                var text = expiresIn.ValueKind == JsonValueKind.String ? TryText(expiresIn) : null;
                if (!Duration.TryParse(text, out var duration, out _) || duration.ToTimeSpan() > MaxLifetime)
                {
                    return (default, Refusal.Invalid("body", "$.expiresIn", $"'expiresIn' is a duration such as 30d, at most {MaxLifetime.TotalDays:0}d"));
                }
                return (duration.ToTimeSpan(), null);
            }
        }
    }

    private static string? TryText(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
