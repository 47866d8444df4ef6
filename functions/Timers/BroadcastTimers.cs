using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Segments.Orchestration;

namespace Segments.Functions.Timers;

/// <summary>
/// Every minute, gives an orchestration to any unfinished broadcast that lacks one: its record was kept but scheduling
/// failed. (The Durable backend on Azure Storage keeps orchestrations across restarts, so this is the only gap.)
/// </summary>
public sealed class BroadcastTimers(BroadcastResumer resumer)
{
    public const string ResumeSchedule = "0 * * * * *";

    [Function("ResumeBroadcasts")]
    public Task Resume([TimerTrigger(ResumeSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken) =>
        resumer.ResumeAsync(new DurableBroadcastScheduler(durable), cancellationToken);
}
