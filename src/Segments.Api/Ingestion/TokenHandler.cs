using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Ingestion;
using Segments.Engine.Language;
using Segments.Engine.Model;

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
        if (RouteIds.InvalidUnless(RouteIds.IsContactId(id), "contact", id, RouteIds.ContactIdRule) is { } invalid)
        {
            return invalid;
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
        var (body, refusal) = await JsonBody.ReadAsync(request, new JsonBodyRules(MaxBodyBytes, MaxDepth: 4, MaxStringLength: 64) { Optional = true },
            cancellationToken);
        if (body is null)
        {
            return (default, refusal);
        }
        using (body)
        {
            if (body.IsEmpty)
            {
                return (ContactTokens.DefaultLifetime, null);
            }
            var root = body.Root;
            if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Any(p => p.Name != "expiresIn"))
            {
                return (default, Refusal.Invalid("body", "$", "the body is empty or {\"expiresIn\": \"30d\"}"));
            }
            if (!root.TryGetProperty("expiresIn", out var expiresIn) || expiresIn.ValueKind == JsonValueKind.Null)
            {
                return (ContactTokens.DefaultLifetime, null);
            }
            var text = expiresIn.ValueKind == JsonValueKind.String ? expiresIn.GetString() : null;
            if (!Duration.TryParse(text, out var duration, out _) || duration.ToTimeSpan() > MaxLifetime)
            {
                return (default, Refusal.Invalid("body", "$.expiresIn", $"'expiresIn' is a duration such as 30d, at most {MaxLifetime.TotalDays:0}d"));
            }
            return (duration.ToTimeSpan(), null);
        }
    }
}
