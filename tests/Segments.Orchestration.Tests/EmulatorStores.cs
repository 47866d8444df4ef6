using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Azure.Cosmos;
using Segments.Azure.Audiences;
using Segments.Azure.Broadcasts;
using Segments.Azure.Catalog;
using Segments.Azure.Cosmos;
using Segments.Azure.Suppressions;
using Segments.TestSupport.Emulators;

namespace Segments.Orchestration.Tests;

/// <summary>
/// The production stores on the local emulators, each test with its own container and tables: contacts on the
/// Cosmos server, catalog, suppressions and broadcasts in Table storage, audiences in Blob storage (Azurite).
/// </summary>
public sealed class EmulatorStores : IAsyncDisposable
{
    private readonly CosmosClient _cosmos;
    private readonly List<Func<Task>> _cleanUp = [];

    private EmulatorStores(LocalEmulators emulators)
    {
        Emulators = emulators;
        _cosmos = new CosmosClient(emulators.CosmosEndpoint.ToString(), LocalEmulators.CosmosKey, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway, // the server speaks only the HTTP gateway protocol
            LimitToEndpoint = true,
            HttpClientFactory = emulators.CreateCosmosHttpClient,
            UseSystemTextJsonSerializerWithOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web),
        });
    }

    public LocalEmulators Emulators { get; }

    public static EmulatorStores On(EmulatorFixture fixture) => new(fixture.Emulators);

    public async Task<Container> ContactsContainerAsync()
    {
        Database database = await _cosmos.CreateDatabaseIfNotExistsAsync("segments");
        var container = await CosmosContactStore.CreateContainerIfNotExistsAsync(database, $"contacts-{Guid.NewGuid():N}");
        _cleanUp.Add(() => container.DeleteContainerAsync());
        return container;
    }

    public TableSuppressionStore Suppressions() => new(Table("Suppressions"));

    public TableCatalogStore Catalog() => new(Table("Catalog"));

    public TableBroadcastStore Broadcasts() => new(Table("Broadcasts"));

    public BlobAudienceSink Sink()
    {
        var container = new BlobServiceClient(Emulators.StorageConnectionString).GetBlobContainerClient($"audiences-{Guid.NewGuid():N}");
        _cleanUp.Add(() => container.DeleteIfExistsAsync());
        return new BlobAudienceSink(container);
    }

    private TableClient Table(string name)
    {
        var table = new TableServiceClient(Emulators.StorageConnectionString).GetTableClient($"{name}{Guid.NewGuid():N}");
        _cleanUp.Add(() => table.DeleteAsync());
        return table;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var cleanUp in _cleanUp)
        {
            await cleanUp();
        }
        _cosmos.Dispose();
    }
}
