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

        var t1 = await store.ListAsync("t1").ToListAsync();
        Assert.Equal([("stream:eventhubs/1/3", "unknown kind"), ("stream:eventhubs/0/7", "not valid JSON")], t1.Select(l => (l.Source, l.Reason)));
        Assert.Equal(("{x", at.AddMinutes(1)), (t1[1].Payload, t1[1].At));
        Assert.Equal("other tenant", Assert.Single(await store.ListAsync("t10").ToListAsync()).Reason);
        Assert.Equal("the delivery carries no tenant", Assert.Single(await store.ListAsync("").ToListAsync()).Reason);
    }
}
