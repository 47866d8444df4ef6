using Azure.Messaging.EventHubs.Consumer;
using Azure.Messaging.EventHubs.Primitives;
using Azure.Messaging.EventHubs.Processor;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Segments.Azure.EventHubs;
using Segments.TestSupport.Emulators;

namespace Segments.Azure.Tests.EventHubs;

[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class BlobCheckpointStoreTests(EmulatorFixture fixture) : IAsyncLifetime
{
    private const string Namespace = "Segments-Test.servicebus.windows.net";
    private const string Hub = "Contact-Events";
    private const string Group = "$Default";
    private BlobContainerClient _container = null!;

    public async Task InitializeAsync()
    {
        _container = new BlobServiceClient(fixture.Emulators.StorageConnectionString).GetBlobContainerClient($"checkpoints-{Guid.NewGuid():N}");
        await _container.CreateAsync();
    }

    public Task DisposeAsync() => _container.DeleteAsync();

    // A new client each time, as a restarted process would have.
    private BlobCheckpointStore Store() => new(new BlobServiceClient(fixture.Emulators.StorageConnectionString).GetBlobContainerClient(_container.Name));

    private static EventProcessorPartitionOwnership Claim(string owner, string partition, string? version) => new()
    {
        FullyQualifiedNamespace = Namespace,
        EventHubName = Hub,
        ConsumerGroup = Group,
        OwnerIdentifier = owner,
        PartitionId = partition,
        Version = version,
    };

    [Fact]
    public async Task Two_processors_competing_for_eight_partitions_end_with_each_partition_owned_exactly_once()
    {
        var partitions = Enumerable.Range(0, 8).Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var start = new TaskCompletionSource();

        // Each processor, like the SDK's load balancer, lists the ownership and claims every partition it does not
        // see owned (with the version it listed), round after round, until all are owned. Both run at once.
        async Task<List<string>> CompeteAsync(string owner)
        {
            var store = Store();
            var mine = new List<string>();
            await start.Task;
            for (var round = 0; round < 20; round++)
            {
                var owned = (await store.ListOwnershipAsync(Namespace, Hub, Group, default)).ToDictionary(o => o.PartitionId);
                var free = partitions.Where(p => !owned.ContainsKey(p)).ToList();
                if (free.Count == 0)
                {
                    break;
                }
                var claimed = await store.ClaimOwnershipAsync([.. free.Select(p => Claim(owner, p, null))], default);
                mine.AddRange(claimed.Select(c => c.PartitionId));
            }
            return mine;
        }
        var a = Task.Run(() => CompeteAsync("processor-a"));
        var b = Task.Run(() => CompeteAsync("processor-b"));
        start.SetResult();
        var (wonByA, wonByB) = (await a, await b);

        var ownership = (await Store().ListOwnershipAsync(Namespace, Hub, Group, default)).ToList();
        Assert.Equal(partitions, ownership.Select(o => o.PartitionId).Order());
        Assert.Empty(wonByA.Intersect(wonByB));
        Assert.Equal(partitions, wonByA.Concat(wonByB).Order());
        Assert.All(ownership, o => Assert.Equal(wonByA.Contains(o.PartitionId) ? "processor-a" : "processor-b", o.OwnerIdentifier));
    }

    [Fact]
    public async Task A_claim_with_a_stale_ownership_etag_loses()
    {
        var first = Assert.Single(await Store().ClaimOwnershipAsync([Claim("a", "0", null)], default));
        var stolen = Assert.Single(await Store().ClaimOwnershipAsync([Claim("b", "0", first.Version)], default));

        var renewed = await Store().ClaimOwnershipAsync([Claim("a", "0", first.Version)], default);
        var second = await Store().ClaimOwnershipAsync([Claim("c", "0", null)], default);

        Assert.NotEqual(first.Version, stolen.Version);
        Assert.Empty(renewed);
        Assert.Empty(second);
        var owner = Assert.Single(await Store().ListOwnershipAsync(Namespace, Hub, Group, default));
        Assert.Equal(("b", stolen.Version), (owner.OwnerIdentifier, owner.Version));
    }

    [Fact]
    public async Task Checkpoints_survive_a_restart()
    {
        await Store().UpdateCheckpointAsync(Namespace, Hub, Group, "3", "processor-a", new CheckpointPosition("1024", 17), default);
        await Store().UpdateCheckpointAsync(Namespace, Hub, Group, "3", "processor-a", new CheckpointPosition("2048", 33), default);

        var checkpoint = await Store().GetCheckpointAsync(Namespace, Hub, Group, "3", default);

        Assert.NotNull(checkpoint);
        Assert.Equal(EventPosition.FromOffset("2048", isInclusive: false), checkpoint.StartingPosition);
        Assert.Equal(("3", "processor-a"), (checkpoint.PartitionId, checkpoint.ClientIdentifier));
        Assert.Null(await Store().GetCheckpointAsync(Namespace, Hub, Group, "4", default));
    }

    [Fact]
    public async Task Blobs_are_laid_out_as_the_event_hubs_sdk_lays_them_out()
    {
        await Store().ClaimOwnershipAsync([Claim("processor-a", "5", null)], default);
        await Store().UpdateCheckpointAsync(Namespace, Hub, Group, "5", "processor-a", new CheckpointPosition("4096", 99), default);

        var blobs = new Dictionary<string, IDictionary<string, string>>();
        await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }))
        {
            blobs[blob.Name] = blob.Metadata;
        }

        Assert.Equal(["segments-test.servicebus.windows.net/contact-events/$default/checkpoint/5",
            "segments-test.servicebus.windows.net/contact-events/$default/ownership/5"], blobs.Keys.Order());
        Assert.Equal("processor-a", blobs.Single(b => b.Key.Contains("/ownership/")).Value["ownerid"]);
        var checkpoint = blobs.Single(b => b.Key.Contains("/checkpoint/")).Value;
        Assert.Equal(("4096", "99", "processor-a"), (checkpoint["offset"], checkpoint["sequencenumber"], checkpoint["clientidentifier"]));
    }
}
