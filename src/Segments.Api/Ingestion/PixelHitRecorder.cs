using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Segments.Api.Http;
using Segments.Core.Ingestion;
using Segments.Core.Ports;
using Segments.Engine.Model;

namespace Segments.Api.Ingestion;

/// <summary>Turns what the pixel routes decided about a hit into entries of the tenant's <see cref="IPixelHitLog"/>.</summary>
public sealed class PixelHitRecorder(IPixelHitLog log, TimeProvider time)
{
    /// <summary>Events of one identified hit; all refused with <paramref name="unpublished"/>'s reason when the stream did not take them.</summary>
    public void Accepted(string tenant, PixelIdentity identity, IEnumerable<ContactEvent> events, HttpRequest request, Refusal? unpublished)
    {
        var visitor = identity.Scope == Visitors.ScopeOf(tenant);
        foreach (var e in events)
        {
            log.Record(tenant, new ReceivedHit(e.At, e.Name, unpublished is null ? ReceivedHit.Accepted : ReceivedHit.Refused,
                visitor ? null : identity.ContactId, visitor ? identity.ContactId : null, PageOf(e, request), OriginOf(request), unpublished?.Reason));
        }
    }

    /// <summary>A hit of the tenant's key refused as a whole (origin, token, identity).</summary>
    public void Refused(string tenant, HttpRequest request, string reason) =>
        log.Record(tenant, new ReceivedHit(time.GetUtcNow(), "(hit)", ReceivedHit.Refused, null, null, PageOf(null, request), OriginOf(request), reason));

    private static string? OriginOf(HttpRequest request) =>
        request.Headers.Origin.FirstOrDefault() is { Length: > 0 } origin ? origin
        : Uri.TryCreate(request.Headers.Referer.FirstOrDefault(), UriKind.Absolute, out var referer) ? referer.GetLeftPart(UriPartial.Authority)
        : null;

    /// <summary>The page's path: the event's own <c>path</c> property (the snippet sends it), else the referring page's.</summary>
    private static string? PageOf(ContactEvent? e, HttpRequest request) =>
        e?.Properties.Get("path").Text is { Length: > 0 } path ? path
        : Uri.TryCreate(request.Headers[HeaderNames.Referer].FirstOrDefault(), UriKind.Absolute, out var referer) ? referer.AbsolutePath
        : null;
}
