using Segments.Core.Audience;
using Segments.Core.Broadcasts;
using Segments.Engine.Model;
using Segments.Orchestration;

namespace Segments.Api.Broadcasts;

/// <summary>A failure, as much of it as a caller should see.</summary>
public sealed record BroadcastError(string Message);

/// <summary>
/// <c>GET /api/broadcasts/{id}</c>: what was asked, where it stands (<c>status</c>: scheduled, running, completed,
/// failed, canceled), when it was created, started and finished, whether it started <c>late</c> (its send time passed
/// while the service was down), its progress, and once completed the manifest. Every property is always there (null
/// when it has no value yet), and a completed broadcast reads the same whether it has a record or only its manifest is
/// left: <c>asOf</c> is the instant it was resolved as of (the one asked until resolution fixes it), <c>progress</c>
/// all of its parts done; <c>exclude</c> the segments whose members it leaves out.
/// </summary>
public sealed record BroadcastView(
    string Id,
    string Segment,
    string? List,
    string? SendAt,
    string? AsOf,
    string Status,
    bool Late,
    string? CreatedAt,
    string? StartedAt,
    string? FinishedAt,
    ResolutionProgress? Progress,
    AudienceManifest? Manifest,
    BroadcastError? Error,
    IReadOnlyList<string>? Exclude)
{
    public static BroadcastView Of(Broadcast broadcast, ResolutionProgress? progress, AudienceManifest? manifest) => new(
        broadcast.Id, broadcast.Segment, broadcast.List, Format(broadcast.SendAt), Format(broadcast.ResolvedAsOf ?? broadcast.AsOf),
        Broadcast.Word(broadcast.Status), broadcast.Late, Format(broadcast.CreatedAt), Format(broadcast.StartedAt), Format(broadcast.FinishedAt),
        manifest is null ? progress : AllDone(manifest), manifest, broadcast.Error is { } error ? new BroadcastError(error) : null, broadcast.Exclude);

    /// <summary>A completed broadcast known only by its manifest (resolved before broadcasts were kept as records).</summary>
    public static BroadcastView Completed(string id, AudienceManifest manifest) =>
        new(id, manifest.Segment, manifest.List, null, manifest.AsOf, Broadcast.Word(BroadcastStatus.Completed), false, null, null, null,
            AllDone(manifest), manifest, null, null);

    private static ResolutionProgress AllDone(AudienceManifest manifest) =>
        new(ResolutionProgress.Done, manifest.Parts.Count, manifest.Parts.Count);

    private static string? Format(DateTimeOffset? at) => at is { } value ? Rfc3339.Format(value) : null;
}
