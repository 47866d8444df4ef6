using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Segments.Core.Membership;

namespace Segments.Embedded.Membership;

/// <summary>
/// Runs the time sweep every 15 seconds while the host runs, so a change that time alone makes is recorded well within
/// a minute of its instant (and dated at the instant itself). A failed sweep is logged and the next one tries again:
/// due checks stay in the index until they are evaluated.
/// </summary>
internal sealed class TimeSweepLoop(TimeSweep sweep, TimeProvider time, ILogger<TimeSweepLoop> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                if (await sweep.RunAsync(stoppingToken) is var evaluated and > 0)
                {
                    logger.LogInformation("Time sweep re-evaluated {Evaluated} due memberships", evaluated);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Time sweep failed; the due memberships stay due for the next sweep");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
