using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Segments.Core.Audience;
using Segments.Core.Catalog;
using Segments.Core.Contacts.Import;
using Segments.Core.Jobs;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Core.Suppressions;
using Segments.Embedded.Audiences;
using Segments.Embedded.Catalog;
using Segments.Embedded.Contacts;
using Segments.Embedded.Jobs;
using Segments.Embedded.Membership;
using Segments.Embedded.Suppressions;

namespace Segments.Embedded;

/// <summary>
/// The embedded defaults of the single-machine runtime, all under one data folder that survives restarts:
/// SQLite files for contacts (with dead letters), the catalog, suppressions, segment membership (with its time
/// sweep every 15 s) and jobs, a folder of import uploads waiting for their jobs, membership changes published to <c>membership-changes.jsonl</c>, a folder of audiences, and the
/// in-process event stream with its fold loop. Every part is
/// registered only if nothing else was, so a host that registered a real service first (Cosmos DB, Table storage, Blob storage, Event Hubs) keeps it.
/// </summary>
public static class EmbeddedRuntime
{
    /// <summary>The file in the data folder that membership changes are published to, one JSON object a line.</summary>
    public const string ChangesFile = "membership-changes.jsonl";

    public static IServiceCollection AddEmbeddedRuntime(this IServiceCollection services, string dataDirectory)
    {
        var root = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(root);
        string Sqlite(string file) => new SqliteConnectionStringBuilder { DataSource = Path.Combine(root, file), Pooling = true }.ToString();

        services.TryAddSingleton(_ => SqliteDatabase.OpenAsync(Path.Combine(root, "contacts.db")).GetAwaiter().GetResult());
        services.TryAddSingleton<IContactStore, SqliteContactStore>();
        services.TryAddSingleton<IDeadLetterStore, SqliteDeadLetterStore>();
        services.TryAddSingleton<ICatalogStore>(_ => new SqliteCatalogStore(Sqlite("catalog.db")));
        services.TryAddSingleton<ISuppressionStore>(_ => new SqliteSuppressionStore(Sqlite("suppressions.db")));
        services.TryAddSingleton<IAudienceSink>(_ => FolderAudienceSink.Open(Path.Combine(root, "audiences")));
        services.TryAddSingleton<IMembershipStore>(_ => new SqliteMembershipStore(Sqlite("membership.db")));
        services.TryAddSingleton<IConsumerStore>(_ => new SqliteConsumerStore(Sqlite("membership.db")));
        services.TryAddSingleton<IReportStore>(_ => new SqliteReportStore(Sqlite("membership.db")));
        services.TryAddSingleton<IMembershipChangePublisher>(_ => new JsonLinesChangePublisher(Path.Combine(root, ChangesFile)));
        services.TryAddSingleton<IJobStore>(_ => new SqliteJobStore(Sqlite("jobs.db")));
        services.TryAddSingleton<IImportSpool>(_ => new FolderImportSpool(Path.Combine(root, "imports")));
        services.AddMembershipTracking().AddHostedService<TimeSweepLoop>();
        if (!services.Any(d => d.ServiceType == typeof(IEventPublisher)))
        {
            services.AddSingleton<InProcessEventStream>();
            services.AddSingleton<IEventPublisher>(provider => provider.GetRequiredService<InProcessEventStream>());
            services.AddHostedService<InProcessFold>();
        }
        return services;
    }

    /// <summary>
    /// Folds the in-process stream for as long as the host runs. On shutdown the stream is closed to new events
    /// and drained, so every event a route accepted is folded before the process ends.
    /// </summary>
    private sealed class InProcessFold(InProcessEventStream stream, IStreamBatchHandler fold, TimeProvider time, ILogger<InProcessFold> logger)
        : IHostedService
    {
        private readonly CancellationTokenSource _abort = new();
        private Task? _running;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _running = Task.Run(() => stream.RunAsync(fold, time, cancellationToken: _abort.Token), CancellationToken.None);
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            stream.Complete();
            try
            {
                await _running!.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                logger.LogWarning("Stopped before the event stream was drained");
                await _abort.CancelAsync();
            }
        }
    }
}
