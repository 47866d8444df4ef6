using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segments.Api.Tenancy;
using Segments.Core.Membership;

namespace Segments.Api.Membership;

/// <summary>
/// Takes each configured tenant's daily report at start-up (for today, replacing an earlier one) and at every UTC
/// midnight after (for the day that starts). A failed tenant is logged; the others go on.
/// </summary>
internal sealed class DailyReportLoop(DailyReport report, IOptions<TenantsOptions> tenants, TimeProvider time, ILogger<DailyReportLoop> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            foreach (var tenant in tenants.Value.Tenants)
            {
                try
                {
                    var counts = await report.TakeAsync(tenant.Id, now, stoppingToken);
                    logger.LogInformation("Daily report of tenant {Tenant}: {Counts} counts", tenant.Id, counts.Count);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Daily report of tenant {Tenant} failed", tenant.Id);
                }
            }
            var midnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
            await Task.Delay(midnight - now, time, stoppingToken);
        }
    }
}
