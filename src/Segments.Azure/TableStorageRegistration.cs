using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Segments.Azure.Broadcasts;
using Segments.Azure.Catalog;
using Segments.Azure.Jobs;
using Segments.Azure.Membership;
using Segments.Azure.Pixel;
using Segments.Azure.Suppressions;
using Segments.Core.Membership;
using Segments.Core.Ports;

namespace Segments.Azure;

public static class TableStorageRegistration
{
    /// <summary>
    /// The segment catalog, the suppressions and the jobs on Table storage, their tables named in <see cref="StorageOptions"/>, on
    /// the app's <see cref="TableServiceClient"/> (<see cref="AzureClients.AddTableServiceClient"/>).
    /// </summary>
    public static IServiceCollection AddTableStorageCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTableServiceClient(configuration);
        services.AddSingleton<ICatalogStore>(provider => new TableCatalogStore(Table(provider, o => o.CatalogTable)));
        services.AddSingleton<ISuppressionStore>(provider => new TableSuppressionStore(Table(provider, o => o.SuppressionTable)));
        services.AddSingleton<IJobStore>(provider => new TableJobStore(Table(provider, o => o.JobTable)));
        return services;
    }

    /// <summary>
    /// Membership tracking's stores on Table storage (memberships with their changes and time index, drips and
    /// triggers with their records, daily reports), with the same settings and client as the catalog's. The host adds
    /// the tracking itself (<see cref="MembershipRegistration.AddMembershipTracking"/>) and schedules its sweep and report.
    /// </summary>
    public static IServiceCollection AddTableStorageMembership(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTableServiceClient(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IMembershipStore>(provider => new TableMembershipStore(Table(provider, o => o.MembershipTable),
            Table(provider, o => o.MembershipDueTable), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IConsumerStore>(provider => new TableConsumerStore(Table(provider, o => o.ConsumerTable)));
        services.AddSingleton<IReportStore>(provider => new TableReportStore(Table(provider, o => o.ReportTable)));
        return services;
    }

    /// <summary>The broadcasts' records on Table storage, with the same settings and client as the catalog's.</summary>
    public static IServiceCollection AddTableStorageBroadcasts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTableServiceClient(configuration);
        services.AddSingleton<IBroadcastStore>(provider => new TableBroadcastStore(Table(provider, o => o.BroadcastTable)));
        return services;
    }

    /// <summary>
    /// The pixel's last hits on Table storage, shared by every instance of the app (<see cref="TablePixelHitLog"/>), written
    /// in the background so that a hit never waits on the table.
    /// </summary>
    public static IServiceCollection AddTableStoragePixelHits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTableServiceClient(configuration);
        services.AddSingleton(provider => new TablePixelHitLog(Table(provider, o => o.PixelHitTable)));
        services.AddSingleton<IPixelHitLog>(provider => provider.GetRequiredService<TablePixelHitLog>());
        services.AddHostedService(provider => provider.GetRequiredService<TablePixelHitLog>());
        return services;
    }

    private static TableClient Table(IServiceProvider provider, Func<StorageOptions, string> name) =>
        provider.GetRequiredService<TableServiceClient>().GetTableClient(name(provider.GetRequiredService<IOptions<StorageOptions>>().Value));
}
