using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Segments.Azure.Cosmos;
using Segments.Core.Ports;
using Segments.TestSupport.Contracts;
using Segments.TestSupport.Emulators;

namespace Segments.Azure.Tests.Cosmos;

/// <summary>The store contract against the local Cosmos server; each test gets its own <c>contacts</c> container.</summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CosmosContactStoreTests(EmulatorFixture fixture) : ContactStoreContract, IAsyncLifetime
{
    private CosmosClient _client = null!;
    private Database _database = null!;
    private readonly List<Container> _containers = [];

    public async Task InitializeAsync()
    {
        _client = LocalCosmos.CreateClient(fixture.Emulators);
        _database = await _client.CreateDatabaseIfNotExistsAsync("segments");
    }

    public async Task DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await container.DeleteContainerAsync();
        }
        _client.Dispose();
    }

    protected override async Task<IContactStore> CreateStoreAsync()
    {
        var container = await CosmosContactStore.CreateContainerIfNotExistsAsync(_database, $"contacts-{Guid.NewGuid():N}");
        _containers.Add(container);
        return new CosmosContactStore(container);
    }

    [Fact]
    public async Task Items_carry_the_hierarchical_key_and_the_document()
    {
        var store = await CreateStoreAsync();
        await Folder(store).HandleAsync(StreamEvents.Messages("t1", StreamEvents.Generate(seed: 12, count: 5, contacts: 1)));

        var item = await _containers[0].ReadItemAsync<JsonElement>("c000", new PartitionKeyBuilder().Add("t1").Add("c000").Build());

        Assert.Equal(("c000", "t1", "c000"),
            (item.Resource.GetProperty("id").GetString(), item.Resource.GetProperty("tenantId").GetString(), item.Resource.GetProperty("contactId").GetString()));
        Assert.Equal(5, item.Resource.GetProperty("doc").GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task Contact_ids_that_cannot_be_item_ids_are_stored_all_the_same()
    {
        var store = await CreateStoreAsync();
        var id = "a/b?c#d\\" + new string('x', 250);

        var etag = await store.WriteAsync("t1", new Engine.Documents.ContactDocument(id) { Email = "odd@example.com" }, ifMatch: null);
        var read = await store.ReadAsync("t1", id);

        Assert.Equal((id, "odd@example.com", etag), (read!.Document.Id, read.Document.Email, read.ETag));
        Assert.Equal([id], (await ScanAllAsync(store, "t1")).Keys);
    }

    [Fact]
    public async Task Partitions_are_the_feed_ranges_cut_to_the_tenant_and_spread_by_contact()
    {
        var store = (CosmosContactStore)await CreateStoreAsync();
        var feedRanges = await _containers[0].GetFeedRangesAsync();

        var partitions = (await store.ListPartitionsAsync("t1")).Select(EpkRange.Parse).ToList();

        Assert.Equal(8 * feedRanges.Count, partitions.Count); // the server has one physical partition
        Assert.Equal(EffectivePartitionKey.Of("t1"), partitions[0].Min);
        Assert.Equal(EffectivePartitionKey.Of("t1") + "FF", partitions[^1].Max);
        Assert.All(partitions.Zip(partitions.Skip(1)), pair => Assert.Equal(pair.First.Max, pair.Second.Min));
    }
}
