using Microsoft.AspNetCore.Http;
using Segments.Api.Authentication;
using Segments.Core.Ports;

namespace Segments.Api.Ingestion;

/// <summary><c>GET /api/pixel/recent</c>: the caller's pixel key and allowed origins (for the embed code) and its last hits.</summary>
public sealed record PixelRecentResponse(string? PixelKey, IReadOnlyList<string> AllowedOrigins, IReadOnlyList<PixelHitView> Hits);

/// <summary>One hit, times in RFC 3339.</summary>
public sealed record PixelHitView(string At, string Event, string Outcome, string? ContactId, string? Visitor, string? Page, string? Origin, string? Reason)
{
    public static PixelHitView From(ReceivedHit hit) =>
        new(Engine.Model.Rfc3339.Format(hit.At), hit.Event, hit.Outcome, hit.ContactId, hit.Visitor, hit.Page, hit.Origin, hit.Reason);
}

public sealed class PixelSetupHandler(PixelTenants tenants, IPixelHitLog hits)
{
    public async Task<IResult> RecentAsync(CallerTenant caller, CancellationToken cancellationToken)
    {
        var tenant = tenants.ById(caller.Id)?.Tenant;
        var recent = await hits.RecentAsync(caller.Id, cancellationToken);
        return TypedResults.Ok(new PixelRecentResponse(
            tenant?.PixelKey is { Length: > 0 } key ? key : null, tenant?.AllowedOrigins ?? [], [.. recent.Select(PixelHitView.From)]));
    }
}
