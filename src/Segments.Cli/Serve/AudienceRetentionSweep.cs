using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segments.Api.Tenancy;
using Segments.Core.Ports;
using Segments.Embedded.Audiences;

namespace Segments.Cli.Serve;

/// <summary>
/// Deletes the audiences (files of e-mail addresses) of each tenant with <c>AudienceRetentionDays</c> once they are
/// older than that, at start-up and every hour: what a Blob lifecycle rule does for the Functions app (infra/). Only
/// the data folder's audiences: with a Blob container configured, the container's own rule applies.
/// </summary>
internal sealed class AudienceRetentionSweep(IAudienceSink sink, IOptionsMonitor<TenantsOptions> tenants, TimeProvider time,
    ILogger<AudienceRetentionSweep> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (sink is not FolderAudienceSink folder)
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            Sweep(folder);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public void Sweep(FolderAudienceSink folder)
    {
        foreach (var tenant in tenants.CurrentValue.Tenants.Where(t => t.AudienceRetentionDays is > 0))
        {
            try
            {
                var removed = folder.RemoveResolvedBefore(tenant.Id, time.GetUtcNow().AddDays(-tenant.AudienceRetentionDays!.Value));
                if (removed.Count > 0)
                {
                    logger.LogInformation("Deleted {Count} audiences of tenant {Tenant} older than {Days} days: {Broadcasts}", removed.Count, tenant.Id,
                        tenant.AudienceRetentionDays, string.Join(", ", removed));
                }
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "Could not sweep the audiences of tenant {Tenant}; the next round tries again", tenant.Id);
            }
        }
    }
}
