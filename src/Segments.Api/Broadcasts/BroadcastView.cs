using Microsoft.DurableTask.Client;
using Segments.Core.Audience;
using Segments.Core.Model;
using Segments.Orchestration;

namespace Segments.Api.Broadcasts;

/// <summary>A failure, as much of it as a caller should see.</summary>
public sealed record BroadcastError(string Message);

/// <summary>
/// <c>GET /api/broadcasts/{id}</c>: what was asked, where it stands (<c>status</c>: scheduled, running, completed,
/// failed), its progress, and once completed the manifest. Every property is always there (null when it has no value
/// yet), and a completed broadcast reads the same whether the Durable backend still knows it or only its manifest is
/// left: <c>asOf</c> is the instant it was resolved as of, <c>progress</c> all of its parts done.
/// </summary>
public sealed record BroadcastView(
    string Id,
    string Segment,
    string? List,
    string? SendAt,
    string? AsOf,
    string Status,
    ResolutionProgress? Progress,
    AudienceManifest? Manifest,
    BroadcastError? Error)
{
    public static BroadcastView Of(string id, OrchestrationMetadata state)
    {
        var input = state.ReadInputAs<ResolveAudienceInput>()!;
        var progress = state.ReadCustomStatusAs<ResolutionProgress>();
        var status = state.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Completed => "completed",
            OrchestrationRuntimeStatus.Failed => "failed",
            OrchestrationRuntimeStatus.Terminated => "canceled",
            _ when progress is null || progress.Phase == ResolutionProgress.Scheduled => "scheduled",
            _ => "running",
        };
        var manifest = state.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? state.ReadOutputAs<AudienceManifest>() : null;
        return new BroadcastView(id, input.Segment, input.List, Format(input.SendAt), manifest?.AsOf ?? Format(input.AsOf), status,
            manifest is null ? progress : AllDone(manifest), manifest, state.FailureDetails is { } failure ? new BroadcastError(failure.ErrorMessage) : null);
    }

    /// <summary>A completed broadcast known only by its manifest (the Durable state of a single-machine run is gone after a restart).</summary>
    public static BroadcastView Completed(string id, AudienceManifest manifest) =>
        new(id, manifest.Segment, manifest.List, null, manifest.AsOf, "completed", AllDone(manifest), manifest, null);

    private static ResolutionProgress AllDone(AudienceManifest manifest) =>
        new(ResolutionProgress.Done, manifest.Parts.Count, manifest.Parts.Count);

    private static string? Format(DateTimeOffset? at) => at is { } value ? Rfc3339.Format(value) : null;
}
