using Azure.Data.Tables;
using Segments.Azure.Pixel;
using Segments.Core.Ports;
using Segments.TestSupport.Contracts;
using Segments.TestSupport.Emulators;

namespace Segments.Azure.Tests.Pixel;

/// <summary>The pixel's last hits on Azurite's Table service, written by the log's background writer.</summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TablePixelHitLogTests(EmulatorFixture fixture) : PixelHitLogContract, IAsyncLifetime
{
    private readonly List<TablePixelHitLog> _started = [];

    protected override async Task<IPixelHitLog> CreateAsync()
    {
        var table = new TableServiceClient(fixture.Emulators.StorageConnectionString).GetTableClient($"pixelhits{Guid.NewGuid():N}");
        var log = new TablePixelHitLog(table);
        await log.StartAsync(CancellationToken.None);
        _started.Add(log);
        return log;
    }

    protected override async Task SettledAsync(IPixelHitLog log, string tenant, Func<IReadOnlyList<ReceivedHit>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done(await log.RecentAsync(tenant)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the background writer did not write the hits in 30 s");
            await Task.Delay(100);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var log in _started)
        {
            await log.StopAsync(CancellationToken.None);
            log.Dispose();
        }
    }
}
