using Microsoft.DurableTask;
using Segments.Core.Ports;

namespace Segments.Orchestration;

public static class AudienceResolutionTasks
{
    /// <summary>
    /// The resolution's orchestrator and activities. The host registers what the activities use: the contact store,
    /// the suppression store, the catalog store, the broadcast store (<see cref="Core.Ports.IBroadcastStore"/>), an
    /// <see cref="Core.Ports.IAudienceSink"/>, a <see cref="TimeProvider"/>.
    /// </summary>
    public static DurableTaskRegistry AddAudienceResolution(this DurableTaskRegistry registry) => registry
        .AddOrchestrator<ResolveAudienceOrchestrator>()
        .AddActivity<StartResolutionActivity>()
        .AddActivity<FinishResolutionActivity>()
        .AddActivity<ListPartitionsActivity>()
        .AddActivity<ResolvePartitionActivity>()
        .AddActivity<WriteManifestActivity>();
}
