using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Segments.Api.Membership;
using Segments.Core.Membership;

namespace Segments.Functions.Timers;

/// <summary>
/// What <c>segments serve</c> runs on its own clock, as timer functions (one run at a time across instances): the time
/// sweep every 15 seconds, and every tenant's daily report at UTC midnight (a midnight missed while the app was down is
/// caught up when it is back, by the timer's schedule monitor).
/// </summary>
public sealed class MembershipTimers(TimeSweep sweep, TenantReports reports, TimeProvider time, ILogger<MembershipTimers> logger)
{
    public const string SweepSchedule = "*/15 * * * * *";
    public const string ReportSchedule = "0 0 0 * * *";

    /// <summary>Re-evaluates the contacts whose time edge has passed; a failure leaves them due for the next run.</summary>
    [Function("MembershipTimeSweep")]
    public async Task Sweep([TimerTrigger(SweepSchedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (await sweep.RunAsync(cancellationToken) is var evaluated and > 0)
        {
            logger.LogInformation("Time sweep re-evaluated {Evaluated} due memberships", evaluated);
        }
    }

    [Function("DailyMembershipReport")]
    public async Task Report([TimerTrigger(ReportSchedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (await reports.TakeAllAsync(time.GetUtcNow(), cancellationToken) is var failed and > 0)
        {
            throw new InvalidOperationException($"the daily report of {failed} tenant(s) failed (logged above)");
        }
    }
}
