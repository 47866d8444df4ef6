using Microsoft.DurableTask;
using Segments.Core.Broadcasts;

namespace Segments.Orchestration;

public sealed record FinishInput(string Tenant, string Broadcast, BroadcastStatus Status, string? Error, DateTimeOffset Now);

/// <summary>Records the end of a resolution (completed once its manifest is written, or failed) on the broadcast's record.</summary>
public sealed class FinishResolutionActivity(IBroadcastStore broadcasts) : TaskActivity<FinishInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, FinishInput input)
    {
        await FinishAsync(broadcasts, input.Tenant, input.Broadcast, input.Status, input.Error, input.Now);
        return true;
    }

    /// <summary>Only a running (or, failing before it ran, scheduled) broadcast finishes, once: a replay changes nothing.</summary>
    public static Task FinishAsync(IBroadcastStore broadcasts, string tenant, string broadcast, BroadcastStatus status, string? error, DateTimeOffset now) =>
        broadcasts.UpdateAsync(tenant, broadcast, b => b.IsFinished ? null : b.Finished(status, now, error));
}
