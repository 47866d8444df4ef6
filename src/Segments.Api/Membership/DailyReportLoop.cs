using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segments.Api.Http;
using Segments.Api.Tenancy;
using Segments.Core.Membership;

namespace Segments.Api.Membership;

/// <summary>Takes the daily report of every configured tenant; a failed tenant is logged and the others go on.</summary>
public sealed class TenantReports(DailyReport report, IOptions<TenantsOptions> tenants, ILogger<TenantReports> logger)
{
    /// <summary>Takes each tenant's report as of <paramref name="asOf"/> (replacing that day's); returns how many tenants failed.</summary>
    public async Task<int> TakeAllAsync(DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var failed = 0;
        foreach (var tenant in tenants.Value.Tenants)
        {
            try
            {
                var counts = await report.TakeAsync(tenant.Id, asOf, cancellationToken);
                logger.LogInformation("Daily report of tenant {Tenant}: {Counts} counts", tenant.Id, counts.Count);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Daily report of tenant {Tenant} failed", tenant.Id);
                failed++;
            }
        }
        return failed;
    }
}

/// <summary>
/// Takes each configured tenant's daily report at start-up (for today, replacing an earlier one), once the data is
/// ready (<see cref="Readiness"/>: after a demo tenant is seeded), and at every UTC midnight after (for the day that starts).
/// </summary>
internal sealed class DailyReportLoop(TenantReports reports, TimeProvider time, Readiness readiness) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.WhenReady.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            await reports.TakeAllAsync(now, stoppingToken);
            var midnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
            await Task.Delay(midnight - now, time, stoppingToken);
        }
    }
}
