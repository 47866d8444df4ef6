using Segments.Core.Broadcasts;
using Segments.Core.Ports;

namespace Segments.TestSupport.Contracts;

/// <summary>
/// What every broadcast store must do: an id taken for ever within a tenant (and only there), a replacement conditional on
/// the version read, the unfinished broadcasts of every tenant listed with their tenant, and a broadcast read back as it
/// was written. Linked into the adapter test projects, each of which derives one class per backend.
/// </summary>
public abstract class BroadcastStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    protected abstract Task<IBroadcastStore> CreateStoreAsync();

    private static Broadcast Asked(string id, int minutes = 0) => new(id, "vip", "newsletter", T0.AddHours(1), null, T0.AddMinutes(minutes));

    [Fact]
    public async Task An_id_is_taken_for_ever_within_its_tenant_whatever_became_of_the_first_broadcast()
    {
        var store = await CreateStoreAsync();

        Assert.True(await store.AddAsync("t1", Asked("b1")));
        Assert.False(await store.AddAsync("t1", Asked("b1") with { Segment = "other" }));
        Assert.True(await store.AddAsync("t2", Asked("b1")));
        await store.UpdateAsync("t1", "b1", b => b.Finished(BroadcastStatus.Canceled, T0));

        Assert.False(await store.AddAsync("t1", Asked("b1")));
        Assert.Equal(("vip", BroadcastStatus.Canceled), ((await store.GetAsync("t1", "b1"))!.Broadcast is var b ? (b.Segment, b.Status) : default));
        Assert.Equal(BroadcastStatus.Scheduled, (await store.GetAsync("t2", "b1"))!.Broadcast.Status);
        Assert.Null(await store.GetAsync("t3", "b1"));
    }

    [Fact]
    public async Task A_replacement_holds_only_at_the_version_read_and_the_broadcast_reads_back_whole()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync("t1", Asked("b1"));
        var read = (await store.GetAsync("t1", "b1"))!;
        // Long enough to need more than one stored chunk where a store splits text.
        var frozen = new string('x', 70_000);

        var started = read.Broadcast.Started(T0.AddHours(1).AddMinutes(5), T0.AddHours(1).AddMinutes(5), frozen);
        Assert.True(await store.ReplaceAsync("t1", started, read.Version));
        Assert.False(await store.ReplaceAsync("t1", read.Broadcast.Finished(BroadcastStatus.Canceled, T0), read.Version));
        Assert.False(await store.ReplaceAsync("t1", Asked("nope"), read.Version));

        var stored = (await store.GetAsync("t1", "b1"))!.Broadcast;
        Assert.Equal(started, stored);
        Assert.True(stored.Late);
        Assert.Equal(BroadcastStatus.Running, stored.Status);
    }

    [Fact]
    public async Task The_scheduled_and_running_broadcasts_of_every_tenant_are_listed_oldest_first_with_their_tenant()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync("t1", Asked("late", minutes: 2));
        await store.AddAsync("t2", Asked("early", minutes: 1));
        await store.AddAsync("t1", Asked("done", minutes: 0));
        await store.AddAsync("t1", Asked("going", minutes: 3));
        await store.UpdateAsync("t1", "done", b => b.Finished(BroadcastStatus.Completed, T0));
        await store.UpdateAsync("t1", "going", b => b.Started(T0, T0, "{}"));

        Assert.Equal([("t2", "early"), ("t1", "late"), ("t1", "going")], (await store.ListUnfinishedAsync()).Select(u => (u.Tenant, u.Broadcast.Id)));
    }

    [Fact]
    public async Task A_tenants_broadcasts_are_listed_newest_first_by_status_and_page_by_page()
    {
        var store = await CreateStoreAsync();
        foreach (var (id, minutes) in new[] { ("b-old", 0), ("b-mid", 5), ("a-tie", 9), ("b-tie", 9), ("b-new", 12) })
        {
            await store.AddAsync("t1", Asked(id, minutes));
        }
        await store.AddAsync("t2", Asked("other", 20));
        await store.UpdateAsync("t1", "b-mid", b => b.Canceled(T0));

        var pages = new List<IReadOnlyList<string>>();
        BroadcastPosition? after = null;
        do
        {
            var page = await store.ListAsync("t1", null, after, limit: 2);
            pages.Add([.. page.Broadcasts.Select(b => b.Id)]);
            after = page.Next;
        }
        while (after is not null);
        var canceled = await store.ListAsync("t1", BroadcastStatus.Canceled, null, limit: 10);
        var scheduled = await store.ListAsync("t1", BroadcastStatus.Scheduled, null, limit: 3);

        Assert.Equal(["b-new", "b-tie", "a-tie", "b-mid", "b-old"], pages.SelectMany(p => p));
        Assert.All(pages, p => Assert.InRange(p.Count, 1, 2));
        Assert.Equal(["b-mid"], canceled.Broadcasts.Select(b => b.Id));
        Assert.Null(canceled.Next);
        Assert.Equal(["b-new", "b-tie", "a-tie"], scheduled.Broadcasts.Select(b => b.Id));
        Assert.Empty((await store.ListAsync("t3", null, null, limit: 10)).Broadcasts);
    }
}
