using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Segments.Api;
using Segments.Api.Broadcasts;
using Segments.Api.Ingestion;
using Segments.Api.Jobs;
using Segments.Api.Membership;
using Segments.Azure;
using Segments.Azure.Cosmos;
using Segments.Azure.EventHubs;
using Segments.Core.Hosting;

namespace Segments.Hosting;

/// <summary>
/// What the settings do not decide about a host: whether it keeps a data folder for the parts whose Azure service is not
/// configured, and whether background work runs in hosted loops or on the host's own timers.
/// </summary>
public sealed record SegmentsHost
{
    private SegmentsHost(string? dataDirectory, Func<IServiceCollection, string, IServiceCollection>? addEmbeddedRuntime) =>
        (DataDirectory, AddEmbeddedRuntime) = (dataDirectory, addEmbeddedRuntime);

    /// <summary>
    /// The Functions app: every part on its Azure service (each validated at start-up), the time sweep and the daily report on
    /// the app's timers, membership changes to their hub, the routes as a route table for OpenAPI (the functions serve them).
    /// </summary>
    public static SegmentsHost Functions { get; } = new(null, null);

    /// <summary>The data folder of the embedded parts; none in the Functions app.</summary>
    public string? DataDirectory { get; }

    /// <summary>
    /// The registration of the embedded parts (<c>EmbeddedRuntime.AddEmbeddedRuntime</c>), handed in by the host that has
    /// them, so that this project does not reference <c>Segments.Embedded</c> and the Functions app ships no SQLite.
    /// </summary>
    internal Func<IServiceCollection, string, IServiceCollection>? AddEmbeddedRuntime { get; }

    /// <summary>
    /// <c>segments serve</c>: each part on its Azure service if its settings are there, else embedded under
    /// <paramref name="dataDirectory"/> by <paramref name="addEmbeddedRuntime"/>; the sweep and the report in hosted loops; the
    /// host maps the routes itself.
    /// </summary>
    public static SegmentsHost Serve(string dataDirectory, Func<IServiceCollection, string, IServiceCollection> addEmbeddedRuntime) =>
        new(dataDirectory, addEmbeddedRuntime);
}

public static class SegmentsComposition
{
    /// <summary>
    /// Every service of the pipeline but the host's Durable backend: the stores, the audience sink and the stream, each on
    /// its Azure service or embedded (<see cref="AzureParts"/>), the stream fold with membership tracking, and the handlers
    /// of every route. The Azure clients are registered once, with one credential (<see cref="AzureClients"/>).
    /// </summary>
    public static IServiceCollection AddSegments(this IServiceCollection services, IConfiguration configuration, SegmentsHost host)
    {
        var azure = host.DataDirectory is null ? AzureParts.All : AzureParts.Configured(configuration);
        if (azure.Contacts)
        {
            services.AddCosmosContactStore(configuration);
        }
        if (azure.Tables)
        {
            services.AddTableStorageCatalog(configuration);
            services.AddTableStorageMembership(configuration);
            services.AddTableStorageBroadcasts(configuration);
            services.AddTableStoragePixelHits(configuration);
        }
        if (azure.Blobs)
        {
            services.AddBlobAudienceSink(configuration);
        }
        if (azure.Stream)
        {
            services.AddEventHubsStream(configuration);
        }
        if (host.DataDirectory is null)
        {
            services.AddEventHubsChangePublisher(configuration);
        }
        services.AddStreamFold(configuration);
        if (host is { DataDirectory: { } folder, AddEmbeddedRuntime: { } addEmbeddedRuntime })
        {
            // The embedded defaults of the parts left, registered only where nothing above was.
            addEmbeddedRuntime(services, folder);
        }
        services.AddSegmentsApi(configuration);
        services.AddIngestion(configuration);
        if (host.DataDirectory is null)
        {
            // The tracker is the fold's IContactWritten; no hosted loop: the timers run the sweep and the report once across instances.
            services.AddMembershipHandlers();
        }
        else
        {
            services.AddMembershipApi();
        }
        services.AddJobsApi();
        services.AddBroadcastsApi();
        if (host.DataDirectory is null)
        {
            services.AddApiRouteTable();
        }
        return services;
    }
}

/// <summary>
/// Which parts are on their Azure service: contacts on Cosmos DB (<c>Segments:Cosmos:Endpoint</c>), the tables (catalog,
/// suppressions, memberships, drips, triggers, reports, broadcasts, jobs, pixel hits) on Table storage
/// (<c>Segments:Storage:TableServiceUri</c> or the emulator's <c>…:ConnectionString</c>), audiences and imports on Blob
/// storage (<c>Segments:Storage:BlobServiceUri</c> or the connection string), the stream on Event Hubs
/// (<c>Segments:EventHubs:FullyQualifiedNamespace</c>).
/// </summary>
public sealed record AzureParts(bool Contacts, bool Tables, bool Blobs, bool Stream)
{
    public static AzureParts All { get; } = new(true, true, true, true);

    public static AzureParts Configured(IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        return new AzureParts(
            Contacts: !string.IsNullOrEmpty(configuration[$"{CosmosOptions.Section}:{nameof(CosmosOptions.Endpoint)}"]),
            Tables: storage.HasTables(),
            Blobs: storage.HasBlobs(),
            Stream: !string.IsNullOrEmpty(configuration[$"{EventHubsOptions.Section}:{nameof(EventHubsOptions.FullyQualifiedNamespace)}"]));
    }
}
