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

    /// <summary>Schedules the resolution of the broadcast as its record has it.</summary>
    public static Task ScheduleAsync(DurableTaskClient durable, string tenant, Broadcast broadcast, CancellationToken cancellationToken) =>
        durable.ScheduleNewOrchestrationInstanceAsync(nameof(ResolveAudienceOrchestrator),
            new ResolveAudienceInput(tenant, broadcast.Id, broadcast.Segment, broadcast.List, broadcast.AsOf, broadcast.SendAt),
            new StartOrchestrationOptions(Id(tenant, broadcast.Id)), cancellationToken);
}
