using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Segments.Orchestration;

namespace Segments.Cli.Serve;

/// <summary>
/// Resumes the broadcasts the last run left unfinished as soon as the service starts (its Durable backend starts empty),
/// then every 30 seconds gives an orchestration to any broadcast that still lacks one (its scheduling failed after its
/// record was kept). A failed round is logged and the next one tries again.
/// </summary>
internal sealed class BroadcastResumption(BroadcastResumer resumer, IBroadcastScheduler scheduler, TimeProvider time, ILogger<BroadcastResumption> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await resumer.ResumeAsync(scheduler, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not resume the unfinished broadcasts; the next round tries again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
