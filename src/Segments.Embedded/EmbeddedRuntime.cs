using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Embedded.Audiences;
using Segments.Embedded.Broadcasts;
using Segments.Embedded.Catalog;
using Segments.Embedded.Contacts;
using Segments.Embedded.Durability;
using Segments.Embedded.Jobs;
using Segments.Embedded.Membership;
using Segments.Embedded.Pixel;
using Segments.Embedded.Streaming;
using Segments.Embedded.Suppressions;

namespace Segments.Embedded;

/// <summary>
/// The embedded defaults of the single-machine runtime, all under one data folder that survives restarts:
/// SQLite files for contacts (with dead letters), the catalog, suppressions, broadcasts, segment membership (with its time
/// sweep every 15 s) and jobs, a folder of import uploads waiting for their jobs, membership changes published to
/// <c>membership-changes.jsonl</c>, a folder of audiences, and the event log (<c>stream/</c>) with its fold loop. Every part is
/// registered only if nothing else was, so a host that registered a real service first (Cosmos DB, Table storage, Blob storage, Event Hubs) keeps it.
/// </summary>
public static class EmbeddedRuntime
{
    /// <summary>The file in the data folder that membership changes are published to, one JSON object a line.</summary>
    public const string ChangesFile = "membership-changes.jsonl";

    /// <summary>The folder of the data folder that holds the event log.</summary>
    public const string StreamFolder = "stream";

    private const string ContactsFile = "contacts.db";
    private const string MembershipFile = "membership.db";

    public static IServiceCollection AddEmbeddedRuntime(this IServiceCollection services, string dataDirectory)
    {
        var root = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(root);
        string Sqlite(string file) => new SqliteConnectionStringBuilder { DataSource = Path.Combine(root, file), Pooling = true }.ToString();

        services.TryAddSingleton(_ => SqliteDatabase.OpenAsync(Path.Combine(root, ContactsFile)).GetAwaiter().GetResult());
        services.TryAddSingleton<IContactStore, SqliteContactStore>();
        services.TryAddSingleton<IDeadLetterStore, SqliteDeadLetterStore>();
        services.TryAddSingleton<ICatalogStore>(_ => new SqliteCatalogStore(Sqlite("catalog.db")));
        services.TryAddSingleton<ISuppressionStore>(_ => new SqliteSuppressionStore(Sqlite("suppressions.db")));
        services.TryAddSingleton<IAudienceSink>(_ => FolderAudienceSink.Open(Path.Combine(root, "audiences")));
        services.TryAddSingleton<IBroadcastStore>(_ => new SqliteBroadcastStore(Sqlite("broadcasts.db")));
        services.TryAddSingleton<IMembershipStore>(_ => new SqliteMembershipStore(Sqlite(MembershipFile)));
        services.TryAddSingleton<IConsumerStore>(_ => new SqliteConsumerStore(Sqlite(MembershipFile)));
        services.TryAddSingleton<IReportStore>(_ => new SqliteReportStore(Sqlite(MembershipFile)));
        services.TryAddSingleton<IMembershipChangePublisher>(_ =>
            new JsonLinesChangePublisher(Path.Combine(root, ChangesFile), new StoreSync([Path.Combine(root, MembershipFile)])));
        services.TryAddSingleton<IJobStore>(_ => new SqliteJobStore(Sqlite("jobs.db")));
        services.TryAddSingleton<IImportSpool>(_ => new FolderImportSpool(Path.Combine(root, "imports")));
        services.TryAddSingleton<IPixelHitLog, InMemoryPixelHitLog>();
        services.AddMembershipTracking().AddHostedService<TimeSweepLoop>();
        if (!services.Any(d => d.ServiceType == typeof(IEventPublisher)))
        {
            services.AddOptions<EventLogOptions>().BindConfiguration(EventLogOptions.Section).ValidateDataAnnotations().ValidateOnStart();
            services.AddSingleton(provider => EventLog.Open(Path.Combine(root, StreamFolder),
                provider.GetRequiredService<IOptions<EventLogOptions>>().Value, provider.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IEventPublisher>(provider => provider.GetRequiredService<EventLog>());
            // The SQLite files the fold writes (a store replaced by its Azure service is durable on its own).
            services.AddSingleton(new StoreSync([Path.Combine(root, ContactsFile), Path.Combine(root, MembershipFile)]));
            services.AddHostedService<EventLogFold>();
        }
        return services;
    }
}
