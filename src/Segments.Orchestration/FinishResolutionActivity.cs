using Microsoft.DurableTask;
using Segments.Core.Audience;
using Segments.Core.Broadcasts;
using Segments.Core.Ports;

namespace Segments.Orchestration;

public sealed record FinishInput(string Tenant, string Broadcast, BroadcastStatus Status, string? Error, DateTimeOffset Now);

/// <summary>
/// Records the end of a resolution (completed once its manifest is written, failed, or canceled) on the broadcast's
/// record. A broadcast canceled meanwhile stays canceled, and what its resolution wrote is removed: a canceled broadcast
/// leaves no audience, whole or partial.
/// </summary>
public sealed class FinishResolutionActivity(IBroadcastStore broadcasts, IAudienceSink sink) : TaskActivity<FinishInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, FinishInput input)
    {
        var finished = await FinishAsync(broadcasts, input.Tenant, input.Broadcast, input.Status, input.Error, input.Now);
        if (finished is { Status: BroadcastStatus.Canceled })
        {
            await sink.ClearAsync(new AudienceAddress(input.Tenant, input.Broadcast));
        }
        return true;
    }

    /// <summary>Only a running (or, failing before it ran, scheduled) broadcast finishes, once: a replay changes nothing.</summary>
    public static Task<Broadcast?> FinishAsync(IBroadcastStore broadcasts, string tenant, string broadcast, BroadcastStatus status, string? error, DateTimeOffset now) =>
        broadcasts.UpdateAsync(tenant, broadcast, b => b.IsFinished ? null : b.Finished(status, now, error));
}
