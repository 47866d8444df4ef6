using Microsoft.AspNetCore.Http;

namespace Segments.Api.Authentication;

/// <summary>The calling tenant, bound from the authenticated principal (never from the path, the query or the body).</summary>
public sealed record CallerTenant(string Id)
{
    public static ValueTask<CallerTenant?> BindAsync(HttpContext context) =>
        ValueTask.FromResult(context.User.FindFirst(ApiKeyAuthenticationHandler.TenantClaim)?.Value is { } id ? new CallerTenant(id) : null);

    public override string ToString() => Id;
}
