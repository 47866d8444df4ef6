using Azure.Storage.Blobs;
using Microsoft.Azure.Cosmos;
using Segments.Azure.Cosmos;
using Segments.Azure.EventHubs;
using Segments.Azure.Tests.Cosmos;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Documents;
using Segments.TestSupport.Contracts;
using Segments.TestSupport.Emulators;
using Segments.TestSupport.Stores;

namespace Segments.Azure.Tests.EventHubs;

/// <summary>The processor's batch path for real: Blob checkpoints on Azurite, the fold into the local Cosmos server.</summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ContactEventProcessorTests(EmulatorFixture fixture) : IAsyncLifetime
{
    private BlobContainerClient _checkpoints = null!;
    private CosmosClient _cosmos = null!;
    private Container _contacts = null!;
    private readonly InMemoryDeadLetterStore _letters = new();

    public async Task InitializeAsync()
    {
        _checkpoints = new BlobServiceClient(fixture.Emulators.StorageConnectionString).GetBlobContainerClient($"checkpoints-{Guid.NewGuid():N}");
        await _checkpoints.CreateAsync();
        _cosmos = LocalCosmos.CreateClient(fixture.Emulators);
        Database database = await _cosmos.CreateDatabaseIfNotExistsAsync("segments");
        _contacts = await CosmosContactStore.CreateContainerIfNotExistsAsync(database, $"contacts-{Guid.NewGuid():N}");
    }

    public async Task DisposeAsync()
    {
        await _checkpoints.DeleteAsync();
        await _contacts.DeleteContainerAsync();
        _cosmos.Dispose();
    }

    private StreamFolder Fold() => new(new CosmosContactStore(_contacts), _letters, new ContactFolder(new FoldOptions()), TimeProvider.System);

    // A new checkpoint store client per processor, as a restarted process would have.
    private TestProcessor Processor(IStreamBatchHandler fold) =>
        new(new BlobCheckpointStore(new BlobServiceClient(fixture.Emulators.StorageConnectionString).GetBlobContainerClient(_checkpoints.Name)), fold);

    [Fact]
    public async Task A_batch_is_folded_with_the_tenant_of_its_property_then_checkpointed()
    {
        var hub = FakeHub.Of("2", "t1", StreamEvents.Generate(seed: 20, count: 30, contacts: 3));
        var processor = Processor(Fold());

        await processor.DeliverAsync(hub.Events.Take(20), hub.PartitionId);

        Assert.Equal(20, await hub.ResumeIndexAsync(Processor(Fold())));
        var store = new CosmosContactStore(_contacts);
        var folded = 0;
        foreach (var partition in await store.ListPartitionsAsync("t1"))
        {
            await foreach (var document in store.ScanAsync("t1", partition))
            {
                folded += document.Events.Length;
            }
        }
        Assert.Equal(20, folded);
    }

    [Fact]
    public async Task An_event_without_a_tenant_is_dead_lettered_by_position_and_still_checkpointed()
    {
        var hub = FakeHub.Of("0", tenant: null, StreamEvents.Generate(seed: 21, count: 3, contacts: 1));

        await Processor(Fold()).DeliverAsync(hub.Events, hub.PartitionId);

        Assert.Equal(["stream:eventhubs/0/0", "stream:eventhubs/0/1", "stream:eventhubs/0/2"],
            (await _letters.PageAsync("", null, 1000)).Letters.Select(l => l.Source).Order());
        Assert.Equal(3, await hub.ResumeIndexAsync(Processor(Fold())));
    }

    [Fact]
    public async Task A_crash_between_fold_and_checkpoint_restarts_replays_and_ends_with_the_same_documents()
    {
        var events = StreamEvents.Generate(seed: 22, count: 240, contacts: 12);
        var clean = FakeHub.Of("1", "clean", events);
        var crashing = FakeHub.Of("2", "crashed", events);
        await clean.RunAsync(Processor(Fold()), batchSize: 30);

        // The process dies after the fold of the fourth batch has written its documents, before its checkpoint.
        using var death = new CancellationTokenSource();
        var dying = new DiesAfterFold(Fold(), dieOnBatch: 4, death);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => crashing.RunAsync(Processor(dying), batchSize: 30, death.Token));
        Assert.Equal(90, await crashing.ResumeIndexAsync(Processor(Fold())));
        await crashing.RunAsync(Processor(Fold()), batchSize: 30);

        var store = new CosmosContactStore(_contacts);
        var expected = await DocumentsAsync(store, "clean");
        var actual = await DocumentsAsync(store, "crashed");
        Assert.Equal(12, expected.Count);
        Assert.Equal(expected, actual);
        Assert.Equal(240, await crashing.ResumeIndexAsync(Processor(Fold())));
    }

    private static async Task<SortedDictionary<string, string>> DocumentsAsync(IContactStore store, string tenant)
    {
        var documents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var partition in await store.ListPartitionsAsync(tenant))
        {
            await foreach (var document in store.ScanAsync(tenant, partition))
            {
                documents[document.Id] = System.Text.Encoding.UTF8.GetString(ContactDocumentJson.Serialize(document));
            }
        }
        return documents;
    }

    /// <summary>Folds for real, and on the given batch lets the process die right after the fold returned.</summary>
    private sealed class DiesAfterFold(IStreamBatchHandler inner, int dieOnBatch, CancellationTokenSource death) : IStreamBatchHandler
    {
        private int _batches;

        public async Task<StreamFoldResult> HandleAsync(IReadOnlyList<StreamMessage> batch, CancellationToken cancellationToken = default)
        {
            var result = await inner.HandleAsync(batch, cancellationToken);
            if (++_batches == dieOnBatch)
            {
                await death.CancelAsync();
                death.Token.ThrowIfCancellationRequested();
            }
            return result;
        }
    }
}
