using Segments.Core.Ports;

namespace Segments.TestSupport.Contracts;

/// <summary>What the console's pixel setup asks of every <see cref="IPixelHitLog"/>: a tenant's own last hits, newest first, bounded.</summary>
public abstract class PixelHitLogContract
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A fresh, empty log.</summary>
    protected abstract Task<IPixelHitLog> CreateAsync();

    /// <summary>Waits until what was recorded can be read (a log that writes in the background).</summary>
    protected virtual Task SettledAsync(IPixelHitLog log, string tenant, Func<IReadOnlyList<ReceivedHit>, bool> done) => Task.CompletedTask;

    private static ReceivedHit Hit(int i, string outcome = ReceivedHit.Accepted) =>
        new(Start.AddSeconds(i), "page_view", outcome, $"c{i}", null, $"/page/{i}", "https://shop.example", outcome == ReceivedHit.Refused ? "origin" : null);

    [Fact]
    public async Task A_tenant_reads_its_own_hits_newest_first()
    {
        var log = await CreateAsync();
        log.Record("tenant-a", Hit(1));
        log.Record("tenant-b", Hit(2));
        log.Record("tenant-a", Hit(3, ReceivedHit.Refused));
        await SettledAsync(log, "tenant-a", hits => hits.Count == 2);

        Assert.Equal([Hit(3, ReceivedHit.Refused), Hit(1)], await log.RecentAsync("tenant-a"));
        Assert.Equal([Hit(2)], await log.RecentAsync("tenant-b"));
        Assert.Empty(await log.RecentAsync("tenant-c"));
    }

    [Fact]
    public async Task The_view_keeps_the_most_recent_hits_up_to_its_capacity()
    {
        var log = await CreateAsync();
        var total = IPixelHitLog.Capacity + 12;
        for (var i = 0; i < total; i++)
        {
            log.Record("tenant-a", Hit(i));
        }
        await SettledAsync(log, "tenant-a", hits => hits.Count > 0 && hits[0] == Hit(total - 1));

        var recent = await log.RecentAsync("tenant-a");
        Assert.Equal(IPixelHitLog.Capacity, recent.Count);
        Assert.Equal(Enumerable.Range(total - IPixelHitLog.Capacity, IPixelHitLog.Capacity).Reverse().Select(i => Hit(i)), recent);
    }
}
