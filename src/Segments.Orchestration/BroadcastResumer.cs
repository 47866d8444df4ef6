using Microsoft.Extensions.Logging;
using Segments.Core.Broadcasts;
using Segments.Core.Ports;

namespace Segments.Orchestration;

/// <summary>
/// Gives every unfinished broadcast (by its record) a resolution orchestration when it has none: at the start of
/// <c>segments serve</c>, whose in-memory Durable backend forgets everything with the process, and on a timer in both
/// hosts, for a broadcast whose scheduling failed after its record was kept. A scheduled one then fires at its send
/// time (or at once, and is marked late, if that passed while nothing ran it); a running one resumes with the instant
/// and segment its record holds.
/// </summary>
public sealed class BroadcastResumer(IBroadcastStore broadcasts, ILogger<BroadcastResumer> logger)
{
    /// <summary>How many broadcasts were given an orchestration.</summary>
    public async Task<int> ResumeAsync(IBroadcastScheduler scheduler, CancellationToken cancellationToken)
    {
        var resumed = 0;
        foreach (var (tenant, broadcast) in await broadcasts.ListUnfinishedAsync(cancellationToken))
        {
            if (await scheduler.IsUnderWayAsync(tenant, broadcast.Id, cancellationToken))
            {
                continue;
            }
            try
            {
                await scheduler.ScheduleAsync(tenant, broadcast, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not resume broadcast {Broadcast} of tenant {Tenant}; the next round tries again", broadcast.Id, tenant);
                continue;
            }
            logger.LogInformation("Resumed broadcast {Broadcast} of tenant {Tenant}, {Status} when the service last stopped", broadcast.Id, tenant,
                Broadcast.Word(broadcast.Status));
            resumed++;
        }
        return resumed;
    }
}
