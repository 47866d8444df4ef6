using System.Text.Json.Serialization;
using Segments.Core.Audience;
using Segments.Core.Broadcasts;
using Segments.Core.Model;
using Segments.Orchestration;

namespace Segments.Api.Broadcasts;

/// <summary>A failure, as much of it as a caller should see.</summary>
public sealed record BroadcastError(string Message);

/// <summary>
/// <c>GET /api/broadcasts/{id}</c>: what was asked, where it stands (<c>status</c>: scheduled, running, completed,
/// failed, canceled), when it was created, started and finished, whether it started <c>late</c> (its send time passed
/// while the service was down), its progress while running, and once completed the manifest. <c>asOf</c> is the instant
/// evaluated: the one asked, or once resolution started, the one it fixed.
/// </summary>
public sealed record BroadcastView(
    string Id,
    string Segment,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? List,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SendAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AsOf,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Late,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StartedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FinishedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ResolutionProgress? Progress,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AudienceManifest? Manifest,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BroadcastError? Error)
{
    public static BroadcastView Of(Broadcast broadcast, ResolutionProgress? progress, AudienceManifest? manifest) => new(
        broadcast.Id, broadcast.Segment, broadcast.List, Format(broadcast.SendAt), Format(broadcast.ResolvedAsOf ?? broadcast.AsOf),
        Broadcast.Word(broadcast.Status), broadcast.Late, Format(broadcast.CreatedAt), Format(broadcast.StartedAt), Format(broadcast.FinishedAt),
        progress, manifest, broadcast.Error is { } error ? new BroadcastError(error) : null);

    /// <summary>A completed broadcast known only by its manifest (resolved before broadcasts were kept as records).</summary>
    public static BroadcastView Completed(string id, AudienceManifest manifest) =>
        new(id, manifest.Segment, manifest.List, null, manifest.AsOf, Broadcast.Word(BroadcastStatus.Completed), false, null, null, null, null,
            manifest, null);

    private static string? Format(DateTimeOffset? at) => at is { } value ? Rfc3339.Format(value) : null;
}
