using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Segments.Core.Ports;
using Segments.Orchestration.Jobs;

namespace Segments.Cli.Serve;

/// <summary>
/// At start-up, starts again every job the data folder records as queued or running: the in-memory Durable backend kept
/// nothing of them across the restart, and their parts done before are not done again.
/// </summary>
internal sealed class JobResumption(JobRecovery recovery, IJobScheduler scheduler, ILogger<JobResumption> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await recovery.ResumeAsync(scheduler, stoppingToken) is var resumed and > 0)
        {
            logger.LogInformation("Resumed {Jobs} unfinished jobs", resumed);
        }
    }
}
