using System.Text.Json.Serialization;
using Microsoft.DurableTask.Client;
using Segments.Core.Audience;
using Segments.Core.Model;
using Segments.Orchestration;

namespace Segments.Api.Broadcasts;

/// <summary>A failure, as much of it as a caller should see.</summary>
public sealed record BroadcastError(string Message);

/// <summary>
/// <c>GET /api/broadcasts/{id}</c>: what was asked, where it stands (<c>status</c>: scheduled, running, completed,
/// failed), its progress, and once completed the manifest.
/// </summary>
public sealed record BroadcastView(
    string Id,
    string Segment,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? List,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SendAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AsOf,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ResolutionProgress? Progress,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AudienceManifest? Manifest,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BroadcastError? Error)
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
        return new BroadcastView(id, input.Segment, input.List, Format(input.SendAt), Format(input.AsOf), status, progress,
            state.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? state.ReadOutputAs<AudienceManifest>() : null,
            state.FailureDetails is { } failure ? new BroadcastError(failure.ErrorMessage) : null);
    }

    /// <summary>A completed broadcast known only by its manifest (the Durable state of a single-machine run is gone after a restart).</summary>
    public static BroadcastView Completed(string id, AudienceManifest manifest) =>
        new(id, manifest.Segment, manifest.List, null, manifest.AsOf, "completed", null, manifest, null);

    private static string? Format(DateTimeOffset? at) => at is { } value ? Rfc3339.Format(value) : null;
}
