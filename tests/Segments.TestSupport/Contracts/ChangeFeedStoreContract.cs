using Segments.Core.Membership;
using Segments.Core.Ports;

namespace Segments.TestSupport.Contracts;

/// <summary>
/// What the change dispatcher asks of every membership and consumer store: the segment's latest sequence, every
/// tenant's consumers, and cursors that start at 0 and only move forward. Linked into the store adapters' tests.
/// </summary>
public abstract class ChangeFeedStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);

    protected abstract (IMembershipStore Membership, IConsumerStore Consumers) CreateStores();

    [Fact]
    public async Task Cursors_start_at_zero_move_only_forward_and_are_kept_per_tenant_and_name()
    {
        var (_, consumers) = CreateStores();
        Assert.Equal(0, await consumers.CursorAsync("t1", "drip:d1:s1"));

        await consumers.AdvanceCursorAsync("t1", "drip:d1:s1", 7);
        await consumers.AdvanceCursorAsync("t1", "drip:d1:s1", 5);
        await consumers.AdvanceCursorAsync("t1", "stream:s1", 3);

        Assert.Equal(7, await consumers.CursorAsync("t1", "drip:d1:s1"));
        Assert.Equal(3, await consumers.CursorAsync("t1", "stream:s1"));
        Assert.Equal(0, await consumers.CursorAsync("t2", "drip:d1:s1"));
    }

    [Fact]
    public async Task Every_tenant_s_consumers_are_listed_with_their_tenant()
    {
        var (_, consumers) = CreateStores();
        var drip = new Consumer(ConsumerKind.Drip, "d1", "s1", ChangeKind.Entered);
        var trigger = new Consumer(ConsumerKind.Trigger, "t1", "s2", ChangeKind.Left);
        await consumers.PutAsync("t1", drip);
        await consumers.PutAsync("t2", trigger);

        Assert.Equal([("t1", drip), ("t2", trigger)], (await consumers.ListAllAsync()).OrderBy(c => c.Tenant, StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_last_sequence_is_the_segment_s_latest_change_or_zero()
    {
        var (membership, _) = CreateStores();
        Assert.Equal(0, await membership.LastSequenceAsync("t1", "s1"));
        var first = (await membership.RecordAsync("t1", "s1", "c1", true, At, baseline: false, next: null)).Change;
        var other = (await membership.RecordAsync("t1", "s2", "c1", true, At, baseline: false, next: null)).Change;
        var last = (await membership.RecordAsync("t1", "s1", "c2", true, At, baseline: false, next: null)).Change;

        Assert.True(first!.Sequence < last!.Sequence);
        Assert.Equal(last.Sequence, await membership.LastSequenceAsync("t1", "s1"));
        Assert.Equal(other!.Sequence, await membership.LastSequenceAsync("t1", "s2"));
        Assert.Equal(0, await membership.LastSequenceAsync("t2", "s1"));
    }
}
