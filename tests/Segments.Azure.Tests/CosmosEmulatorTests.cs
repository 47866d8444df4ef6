using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Segments.TestSupport.Emulators;

namespace Segments.Azure.Tests;

/// <summary>
/// Proves Microsoft.Azure.Cosmos works against the patched Cosmos server for what the contact
/// store needs; each test gets its own container under the hierarchical key [/tenantId, /contactId].
/// </summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CosmosEmulatorTests(EmulatorFixture fixture) : IAsyncLifetime
{
    private CosmosClient _client = null!;
    private Container _container = null!;

    public sealed record Contact(string Id, string TenantId, string ContactId, string Email, int Opens = 0);

    public async Task InitializeAsync()
    {
        var emulators = fixture.Emulators;
        _client = new CosmosClient(emulators.CosmosEndpoint.ToString(), LocalEmulators.CosmosKey, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway, // the server speaks only the HTTP gateway protocol
            LimitToEndpoint = true, // do not follow the regional endpoints the account read returns
            HttpClientFactory = emulators.CreateCosmosHttpClient,
            UseSystemTextJsonSerializerWithOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web),
        });
        Database database = await _client.CreateDatabaseIfNotExistsAsync("smoke");
        _container = await database.CreateContainerAsync(
            new ContainerProperties($"contacts-{Guid.NewGuid():N}", ["/tenantId", "/contactId"]));
    }

    public async Task DisposeAsync()
    {
        await _container.DeleteContainerAsync();
        _client.Dispose();
    }

    private static PartitionKey Key(string tenant, string contact) =>
        new PartitionKeyBuilder().Add(tenant).Add(contact).Build();

    private async Task<Contact> UpsertAsync(string tenant, string contact, int opens = 0)
    {
        var item = new Contact(contact, tenant, contact, $"{contact}@example.test", opens);
        return (await _container.UpsertItemAsync(item, Key(tenant, contact))).Resource;
    }

    private static async Task<List<T>> DrainAsync<T>(FeedIterator<T> iterator)
    {
        var items = new List<T>();
        while (iterator.HasMoreResults)
        {
            items.AddRange(await iterator.ReadNextAsync());
        }

        return items;
    }

    [Fact]
    public async Task Upserted_item_reads_back()
    {
        await UpsertAsync("t1", "c1", opens: 3);

        var read = await _container.ReadItemAsync<Contact>("c1", Key("t1", "c1"));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(3, read.Resource.Opens);
    }

    [Fact]
    public async Task Reading_a_missing_item_throws_404()
    {
        await UpsertAsync("t1", "c1");

        var error = await Assert.ThrowsAsync<CosmosException>(() => _container.ReadItemAsync<Contact>("nobody", Key("t1", "nobody")));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Same_id_in_two_partitions_of_one_tenant_are_two_items()
    {
        var first = new Contact("profile", "t1", "c1", "c1@example.test", 1);
        var second = new Contact("profile", "t1", "c2", "c2@example.test", 2);
        await _container.UpsertItemAsync(first, Key("t1", "c1"));
        await _container.UpsertItemAsync(second, Key("t1", "c2"));

        Assert.Equal(1, (await _container.ReadItemAsync<Contact>("profile", Key("t1", "c1"))).Resource.Opens);
        Assert.Equal(2, (await _container.ReadItemAsync<Contact>("profile", Key("t1", "c2"))).Resource.Opens);
    }

    [Fact]
    public async Task Replace_with_a_stale_etag_throws_412()
    {
        await UpsertAsync("t1", "c1");
        var stale = await _container.ReadItemAsync<Contact>("c1", Key("t1", "c1"));
        await UpsertAsync("t1", "c1", opens: 1);

        var error = await Assert.ThrowsAsync<CosmosException>(() => _container.ReplaceItemAsync(
            stale.Resource with { Opens = 2 }, "c1", Key("t1", "c1"), new ItemRequestOptions { IfMatchEtag = stale.ETag }));

        Assert.Equal(HttpStatusCode.PreconditionFailed, error.StatusCode);
    }

    [Fact]
    public async Task Query_with_a_full_key_returns_only_that_partition()
    {
        await UpsertAsync("t1", "c1");
        await UpsertAsync("t1", "c2");
        await UpsertAsync("t2", "c1");

        var items = await DrainAsync(_container.GetItemQueryIterator<Contact>(
            "SELECT * FROM c", requestOptions: new QueryRequestOptions { PartitionKey = Key("t1", "c1") }));

        var only = Assert.Single(items);
        Assert.Equal(("t1", "c1"), (only.TenantId, only.ContactId));
    }

    [Fact]
    public async Task Query_with_a_tenant_prefix_returns_only_that_tenant()
    {
        await UpsertAsync("t1", "c1");
        await UpsertAsync("t1", "c2");
        await UpsertAsync("t2", "c1");

        var items = await DrainAsync(_container.GetItemQueryIterator<Contact>(
            "SELECT * FROM c",
            requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKeyBuilder().Add("t1").Build() }));

        Assert.Equal(["c1", "c2"], items.Select(i => i.ContactId).Order());
        Assert.All(items, i => Assert.Equal("t1", i.TenantId));
    }

    [Fact]
    public async Task Count_aggregate_counts_across_partitions_and_within_one()
    {
        await UpsertAsync("t1", "c1");
        await UpsertAsync("t1", "c2");
        await UpsertAsync("t2", "c1");

        var all = await DrainAsync(_container.GetItemQueryIterator<int>("SELECT VALUE COUNT(1) FROM c"));
        var tenant = await DrainAsync(_container.GetItemQueryIterator<int>(
            new QueryDefinition("SELECT VALUE COUNT(1) FROM c WHERE c.tenantId = @t").WithParameter("@t", "t1")));
        var one = await DrainAsync(_container.GetItemQueryIterator<int>(
            "SELECT VALUE COUNT(1) FROM c", requestOptions: new QueryRequestOptions { PartitionKey = Key("t2", "c1") }));

        Assert.Equal([3], all);
        Assert.Equal([2], tenant);
        Assert.Equal([1], one);
    }

    [Fact]
    public async Task Feed_ranges_can_be_listed_and_queried_one_by_one()
    {
        await UpsertAsync("t1", "c1");
        await UpsertAsync("t2", "c1");

        var ranges = await _container.GetFeedRangesAsync();
        var perRange = new List<Contact>();
        foreach (var range in ranges)
        {
            perRange.AddRange(await DrainAsync(_container.GetItemQueryIterator<Contact>(range, new QueryDefinition("SELECT * FROM c"))));
        }

        Assert.Single(ranges); // the server has one physical partition
        Assert.Equal(["t1", "t2"], perRange.Select(c => c.TenantId).Order());
    }

    [Fact]
    public async Task Query_scoped_to_a_tenant_prefix_feed_range_returns_only_that_tenant()
    {
        await UpsertAsync("t1", "c1");
        await UpsertAsync("t1", "c2");
        await UpsertAsync("t2", "c1");

        // The SDK sends a prefix as a range of effective partition keys, which the server hashes.
        var items = await DrainAsync(_container.GetItemQueryIterator<Contact>(
            FeedRange.FromPartitionKey(new PartitionKeyBuilder().Add("t2").Build()), new QueryDefinition("SELECT * FROM c")));

        var only = Assert.Single(items);
        Assert.Equal(("t2", "c1"), (only.TenantId, only.ContactId));
    }

    [Fact]
    public async Task Change_feed_scoped_to_a_tenant_returns_only_its_writes()
    {
        await UpsertAsync("t1", "c1");
        await UpsertAsync("t2", "c1");
        await UpsertAsync("t1", "c2");

        var feed = _container.GetChangeFeedIterator<Contact>(
            ChangeFeedStartFrom.Beginning(FeedRange.FromPartitionKey(new PartitionKeyBuilder().Add("t1").Build())),
            ChangeFeedMode.LatestVersion);

        Assert.Equal(["c1", "c2"], (await ReadChangesAsync(feed)).Select(c => c.ContactId).Order());
    }

    [Fact]
    public async Task Change_feed_returns_written_items_and_then_only_new_writes()
    {
        await UpsertAsync("t1", "c1");
        await UpsertAsync("t2", "c1");

        var feed = _container.GetChangeFeedIterator<Contact>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion);
        var first = await ReadChangesAsync(feed);
        await UpsertAsync("t1", "c1", opens: 5);
        var second = await ReadChangesAsync(feed);

        Assert.Equal(["t1", "t2"], first.Select(c => c.TenantId).Order());
        var changed = Assert.Single(second);
        Assert.Equal(5, changed.Opens);
    }

    // Pages until the feed says NotModified (caught up).
    private static async Task<List<Contact>> ReadChangesAsync(FeedIterator<Contact> feed)
    {
        var items = new List<Contact>();
        while (feed.HasMoreResults)
        {
            var page = await feed.ReadNextAsync();
            if (page.StatusCode == HttpStatusCode.NotModified)
            {
                break;
            }

            items.AddRange(page);
        }

        return items;
    }
}
