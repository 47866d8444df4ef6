using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Segments.Core.Broadcasts;

namespace Segments.Orchestration;

/// <summary>
/// The orchestration instance of a broadcast. Derived from the tenant and the broadcast id (both of the shape of
/// segment ids, so the separator cannot occur in them): a broadcast has one instance, and a tenant can only ever name
/// its own.
/// </summary>
public static class BroadcastInstance
{
    public static string Id(string tenant, string broadcast) => $"broadcast:{tenant}:{broadcast}";
}

/// <summary>
/// Where a broadcast's resolution runs, as the broadcast handlers and the <see cref="BroadcastResumer"/> see it: each host
/// hands them its own (<c>segments serve</c> the one over its in-process Durable backend, the Functions app one around the
/// Durable client bound to each call), so no host registers a handler it cannot make.
/// </summary>
public interface IBroadcastScheduler
{
    /// <summary>Starts the resolution of the broadcast as its record has it.</summary>
    Task ScheduleAsync(string tenant, Broadcast broadcast, CancellationToken cancellationToken);

    /// <summary>Whether the broadcast's resolution is pending or running (so scheduling it again is not needed).</summary>
    Task<bool> IsUnderWayAsync(string tenant, string broadcast, CancellationToken cancellationToken);

    /// <summary>How far the resolution is, while it runs; null once it ended or if it never started.</summary>
    Task<ResolutionProgress?> ProgressAsync(string tenant, string broadcast, CancellationToken cancellationToken);

    /// <summary>Tells a resolution under way of a change its record holds already; one not under way reads the record when it starts.</summary>
    Task SignalAsync(string tenant, string broadcast, BroadcastSignal signal, CancellationToken cancellationToken);
}

/// <summary>The resolution as the orchestration <see cref="ResolveAudienceOrchestrator"/>, instance <see cref="BroadcastInstance.Id"/>.</summary>
public sealed class DurableBroadcastScheduler(DurableTaskClient durable) : IBroadcastScheduler
{
    public Task ScheduleAsync(string tenant, Broadcast broadcast, CancellationToken cancellationToken) =>
        durable.ScheduleNewOrchestrationInstanceAsync(nameof(ResolveAudienceOrchestrator),
            new ResolveAudienceInput(tenant, broadcast.Id, broadcast.Segment, broadcast.List, broadcast.AsOf, broadcast.SendAt),
            new StartOrchestrationOptions(BroadcastInstance.Id(tenant, broadcast.Id)), cancellationToken);

    public async Task<bool> IsUnderWayAsync(string tenant, string broadcast, CancellationToken cancellationToken) =>
        await durable.GetInstanceAsync(BroadcastInstance.Id(tenant, broadcast), cancellationToken)
            is { IsRunning: true } or { RuntimeStatus: OrchestrationRuntimeStatus.Pending };

    public async Task<ResolutionProgress?> ProgressAsync(string tenant, string broadcast, CancellationToken cancellationToken) =>
        (await durable.GetInstanceAsync(BroadcastInstance.Id(tenant, broadcast), getInputsAndOutputs: true, cancellationToken))?
            .ReadCustomStatusAs<ResolutionProgress>();

    public async Task SignalAsync(string tenant, string broadcast, BroadcastSignal signal, CancellationToken cancellationToken)
    {
        if (await IsUnderWayAsync(tenant, broadcast, cancellationToken))
        {
            await durable.RaiseEventAsync(BroadcastInstance.Id(tenant, broadcast), BroadcastSignal.Name, signal, cancellationToken);
        }
    }
}
