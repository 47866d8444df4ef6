using Azure.Storage.Blobs;
using Segments.Azure.EventHubs;
using Segments.Core.Ports;
using Segments.TestSupport.Emulators;

namespace Segments.Azure.Tests.EventHubs;

[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class BlobDeadLetterStoreTests(EmulatorFixture fixture) : IAsyncLifetime
{
    private BlobContainerClient _container = null!;

    public async Task InitializeAsync()
    {
        _container = new BlobServiceClient(fixture.Emulators.StorageConnectionString).GetBlobContainerClient($"deadletters-{Guid.NewGuid():N}");
        await _container.CreateAsync();
    }

    public Task DisposeAsync() => _container.DeleteAsync();

    [Fact]
    public async Task Letters_are_kept_once_per_delivery_and_per_tenant()
    {
        var store = new BlobDeadLetterStore(_container);
        var at = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);

        await store.AddAsync(new DeadLetter("t1", "stream:eventhubs/0/7", "not valid JSON", "{x", at.AddMinutes(1)));
        await store.AddAsync(new DeadLetter("t1", "stream:eventhubs/0/7", "replayed", "{x", at.AddMinutes(5)));
        await store.AddAsync(new DeadLetter("t1", "stream:eventhubs/1/3", "unknown kind", "{}", at));
        await store.AddAsync(new DeadLetter("t10", "stream:eventhubs/0/7", "other tenant", "{}", at));
        await store.AddAsync(new DeadLetter("", "stream:eventhubs/0/8", "the delivery carries no tenant", "{}", at));

        var t1 = (await store.PageAsync("t1", null, 1000)).Letters;
        Assert.Equal([("stream:eventhubs/0/7", "not valid JSON"), ("stream:eventhubs/1/3", "unknown kind")], t1.Select(l => (l.Source, l.Reason)));
        Assert.Equal(("{x", at.AddMinutes(1)), (t1[0].Payload, t1[0].At));
        Assert.Equal("other tenant", Assert.Single((await store.PageAsync("t10", null, 1000)).Letters).Reason);
        Assert.Equal("the delivery carries no tenant", Assert.Single((await store.PageAsync("", null, 1000)).Letters).Reason);
    }

    [Fact]
    public async Task Letters_are_paged_by_the_listing_s_cursor()
    {
        var store = new BlobDeadLetterStore(_container);
        var at = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
        foreach (var i in Enumerable.Range(0, 5))
        {
            await store.AddAsync(new DeadLetter("t1", $"stream:eventhubs/0/{i}", "late", "{}", at));
        }

        var first = await store.PageAsync("t1", null, 2);
        var second = await store.PageAsync("t1", first.Next, 2);
        var third = await store.PageAsync("t1", second.Next, 2);

        Assert.Equal(["stream:eventhubs/0/0", "stream:eventhubs/0/1", "stream:eventhubs/0/2", "stream:eventhubs/0/3", "stream:eventhubs/0/4"],
            first.Letters.Concat(second.Letters).Concat(third.Letters).Select(l => l.Source));
        Assert.Null(third.Next);
    }
}
