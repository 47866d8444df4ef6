using Segments.Core.Membership;
using Segments.Core.Ports;

namespace Segments.TestSupport.Contracts;

/// <summary>
/// What every membership, consumer and report store must do, as their interfaces' comments say: a change recorded
/// once whatever the replays and however many writers race, sequences increasing per segment, a time index read in
/// instant order across tenants whose moves leave nothing behind, drips enrolling once and triggers firing once per
/// change, a day's counts replaced whole, any id kept as given, and every call but the sweep's kept to its tenant.
/// Linked into the adapter test projects, each of which derives one class per backend.
/// </summary>
public abstract class MembershipStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);

    /// <summary>Fresh, empty stores (of one backend).</summary>
    protected abstract Task<IMembershipStore> CreateMembershipStoreAsync();

    protected abstract Task<IConsumerStore> CreateConsumerStoreAsync();

    protected abstract Task<IReportStore> CreateReportStoreAsync();

    private static DateTimeOffset At(int minutes) => T0 + TimeSpan.FromMinutes(minutes);

    [Fact]
    public async Task A_first_evaluation_enters_a_member_unless_tracking_just_started_and_later_ones_record_each_crossing()
    {
        var store = await CreateMembershipStoreAsync();

        Assert.Null((await store.RecordAsync("t1", "s1", "c1", member: false, At(0), baseline: false, next: null)).Change);
        Assert.Null((await store.RecordAsync("t1", "s1", "c2", member: true, At(0), baseline: true, next: null)).Change);
        var entered = (await store.RecordAsync("t1", "s1", "c3", member: true, At(0), baseline: false, next: null)).Change;
        Assert.Equal(("s1", "c3", ChangeKind.Entered, At(0)), (entered!.Segment, entered.ContactId, entered.Kind, entered.At));

        Assert.Null((await store.RecordAsync("t1", "s1", "c2", member: true, At(1), baseline: false, next: null)).Change);
        var c1 = (await store.RecordAsync("t1", "s1", "c1", member: true, At(2), baseline: false, next: null)).Change;
        var c2 = (await store.RecordAsync("t1", "s1", "c2", member: false, At(3), baseline: false, next: null)).Change;
        Assert.Equal((ChangeKind.Entered, ChangeKind.Left), (c1!.Kind, c2!.Kind));

        var changes = await store.ChangesAsync("t1", "s1", 0, 100);
        Assert.Equal([("c3", ChangeKind.Entered, At(0)), ("c1", ChangeKind.Entered, At(2)), ("c2", ChangeKind.Left, At(3))],
            changes.Select(c => (c.ContactId, c.Kind, c.At)));
        Assert.Equal([entered.Sequence, c1.Sequence, c2.Sequence], changes.Select(c => c.Sequence));
        Assert.True(entered.Sequence > 0 && entered.Sequence < c1.Sequence && c1.Sequence < c2.Sequence);
    }

    [Fact]
    public async Task Replayed_evaluations_record_nothing_twice_and_leave_the_membership_as_it_was()
    {
        var store = await CreateMembershipStoreAsync();
        Assert.NotNull((await store.RecordAsync("t1", "s1", "c1", member: true, At(0), baseline: false, next: null)).Change);

        Assert.Null((await store.RecordAsync("t1", "s1", "c1", member: true, At(0), baseline: false, next: null)).Change);
        Assert.NotNull((await store.RecordAsync("t1", "s1", "c1", member: false, At(5), baseline: false, next: null)).Change);
        // An old evaluation replayed after the contact left: its change exists, so nothing is recorded, and the
        // contact is still out (leaving again is no change).
        Assert.Null((await store.RecordAsync("t1", "s1", "c1", member: true, At(0), baseline: false, next: null)).Change);
        Assert.Null((await store.RecordAsync("t1", "s1", "c1", member: false, At(6), baseline: false, next: null)).Change);
        // Entering again later is a new change.
        Assert.NotNull((await store.RecordAsync("t1", "s1", "c1", member: true, At(7), baseline: false, next: null)).Change);

        Assert.Equal([ChangeKind.Entered, ChangeKind.Left, ChangeKind.Entered], (await store.ChangesAsync("t1", "s1", 0, 100)).Select(c => c.Kind));
    }

    [Fact]
    public async Task An_evaluation_older_than_the_last_one_is_stale_and_records_nothing_not_even_the_next_edge()
    {
        var store = await CreateMembershipStoreAsync();
        // A write evaluated at 10 (the contact entered; its next edge 70), then a sweep's evaluation at its edge 5, from
        // the document it read before the write: it would have the contact leave at 5, with the next edge 65.
        var entered = await store.RecordAsync("t1", "s1", "c1", member: true, At(10), baseline: false, next: At(70));
        Assert.Equal(new MembershipRecording(false, entered.Change), entered);
        Assert.NotNull(entered.Change);

        Assert.Equal(MembershipRecording.StaleEvaluation, await store.RecordAsync("t1", "s1", "c1", member: false, At(5), baseline: false, next: At(65)));
        Assert.Equal(MembershipRecording.StaleEvaluation, await store.RecordAsync("t1", "s1", "c1", member: true, At(9), baseline: true, next: null));

        Assert.Equal([new DueCheck("t1", "s1", "c1", At(70))], await store.DueAsync(At(100), 100));
        Assert.Equal([(ChangeKind.Entered, At(10))], (await store.ChangesAsync("t1", "s1", 0, 100)).Select(c => (c.Kind, c.At)));
        // Still a member: leaving at a later instant is a change.
        var left = await store.RecordAsync("t1", "s1", "c1", member: false, At(11), baseline: false, next: null);
        Assert.Equal((ChangeKind.Left, At(11)), (left.Change!.Kind, left.Change.At));
        Assert.Empty(await store.DueAsync(At(100), 100));
    }

    [Fact]
    public async Task An_evaluation_at_the_same_or_a_later_instant_records_and_moves_the_next_edge_even_with_no_change()
    {
        var store = await CreateMembershipStoreAsync();
        Assert.Equal(MembershipRecording.NoChange, await store.RecordAsync("t1", "s1", "c1", member: true, At(10), baseline: true, next: At(70)));

        // The same instant again (a replay) is no change but is recorded: the edge moves.
        Assert.Equal(MembershipRecording.NoChange, await store.RecordAsync("t1", "s1", "c1", member: true, At(10), baseline: false, next: At(60)));
        Assert.Equal([new DueCheck("t1", "s1", "c1", At(60))], await store.DueAsync(At(100), 100));
        // A later one with no change is recorded too: an evaluation between it and the one at 10 is stale now.
        Assert.Equal(MembershipRecording.NoChange, await store.RecordAsync("t1", "s1", "c1", member: true, At(20), baseline: false, next: At(80)));
        Assert.Equal(MembershipRecording.StaleEvaluation, await store.RecordAsync("t1", "s1", "c1", member: false, At(15), baseline: false, next: null));
        Assert.Equal([new DueCheck("t1", "s1", "c1", At(80))], await store.DueAsync(At(100), 100));

        var left = await store.RecordAsync("t1", "s1", "c1", member: false, At(20), baseline: false, next: null);
        Assert.False(left.Stale);
        Assert.Equal((ChangeKind.Left, At(20)), (left.Change!.Kind, left.Change.At));
        Assert.Empty(await store.DueAsync(At(100), 100));
        // Another contact, tenant or segment has its own last evaluation.
        Assert.NotNull((await store.RecordAsync("t1", "s1", "c2", member: true, At(1), baseline: false, next: null)).Change);
        Assert.NotNull((await store.RecordAsync("t2", "s1", "c1", member: true, At(1), baseline: false, next: null)).Change);
        Assert.NotNull((await store.RecordAsync("t1", "s2", "c1", member: true, At(1), baseline: false, next: null)).Change);
    }

    [Fact]
    public async Task A_contact_s_changes_never_go_back_in_time_whatever_order_evaluations_arrive_in()
    {
        var store = await CreateMembershipStoreAsync();
        // Evaluations of one contact alternating membership, delivered out of order and some twice.
        int[] minutes = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 8, 7, 10, 9];
        foreach (var minute in minutes)
        {
            await store.RecordAsync("t1", "s1", "c1", member: minute % 2 == 0, At(minute), baseline: false, next: At(minute + 60));
        }

        var changes = await store.ChangesAsync("t1", "s1", 0, 100);
        Assert.Equal(changes.Select(c => c.At).Order(), changes.Select(c => c.At));
        // The first (at 3) records the contact out with no change; after 9, every one but 10 is stale.
        Assert.Equal([(ChangeKind.Entered, At(4)), (ChangeKind.Left, At(5)), (ChangeKind.Entered, At(10))], changes.Select(c => (c.Kind, c.At)));
        Assert.Equal([new DueCheck("t1", "s1", "c1", At(70))], await store.DueAsync(At(200), 100));
    }

    [Fact]
    public async Task Concurrent_writers_record_every_change_once_with_distinct_increasing_sequences()
    {
        var store = await CreateMembershipStoreAsync();

        // Eight writers: each enters its own four contacts, and all race to record the same change of c-shared.
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var mine = new List<MembershipChange?>();
            for (var i = 0; i < 4; i++)
            {
                mine.Add((await store.RecordAsync("t1", "s1", $"c{w}-{i}", member: true, At(i), baseline: false, next: null)).Change);
            }
            mine.Add((await store.RecordAsync("t1", "s1", "c-shared", member: true, At(9), baseline: false, next: null)).Change);
            return mine;
        })).ToList();
        var recorded = (await Task.WhenAll(writers)).SelectMany(r => r).OfType<MembershipChange>().ToList();

        Assert.Equal(33, recorded.Count);
        Assert.Single(recorded, c => c.ContactId == "c-shared");
        var changes = await store.ChangesAsync("t1", "s1", 0, 1000);
        Assert.Equal(recorded.Select(c => c.Sequence).Order(), changes.Select(c => c.Sequence));
        Assert.Equal(33, changes.Select(c => c.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task The_feed_pages_by_sequence_and_holds_only_its_tenant_s_segment()
    {
        var store = await CreateMembershipStoreAsync();
        for (var i = 0; i < 5; i++)
        {
            await store.RecordAsync("t1", "s1", $"c{i}", member: true, At(i), baseline: false, next: null);
        }
        await store.RecordAsync("t1", "s2", "c0", member: true, At(0), baseline: false, next: null);
        await store.RecordAsync("t2", "s1", "c9", member: true, At(0), baseline: false, next: null);

        var first = await store.ChangesAsync("t1", "s1", 0, 2);
        Assert.Equal(["c0", "c1"], first.Select(c => c.ContactId));
        var rest = await store.ChangesAsync("t1", "s1", first[^1].Sequence, 100);
        Assert.Equal(["c2", "c3", "c4"], rest.Select(c => c.ContactId));
        Assert.Empty(await store.ChangesAsync("t1", "s1", rest[^1].Sequence, 100));
        Assert.Equal(["c0"], (await store.ChangesAsync("t1", "s2", 0, 100)).Select(c => c.ContactId));
        Assert.Equal(["c9"], (await store.ChangesAsync("t2", "s1", 0, 100)).Select(c => c.ContactId));
        Assert.Empty(await store.ChangesAsync("t3", "s1", 0, 100));
    }

    [Fact]
    public async Task Tenants_keep_their_own_membership_of_the_same_segment_and_contact()
    {
        var store = await CreateMembershipStoreAsync();
        Assert.NotNull((await store.RecordAsync("t1", "s1", "c1", member: true, At(0), baseline: false, next: null)).Change);

        // Tenant t2 has never seen c1: its first evaluation is its own, baseline included.
        Assert.Null((await store.RecordAsync("t2", "s1", "c1", member: true, At(0), baseline: true, next: null)).Change);
        Assert.NotNull((await store.RecordAsync("t2", "s1", "c1", member: false, At(1), baseline: false, next: null)).Change);
        Assert.Null((await store.RecordAsync("t1", "s1", "c1", member: true, At(2), baseline: false, next: null)).Change);

        Assert.Equal([ChangeKind.Entered], (await store.ChangesAsync("t1", "s1", 0, 100)).Select(c => c.Kind));
        Assert.Equal([ChangeKind.Left], (await store.ChangesAsync("t2", "s1", 0, 100)).Select(c => c.Kind));
    }

    [Fact]
    public async Task Due_checks_of_every_tenant_come_earliest_first_up_to_now_and_up_to_the_maximum()
    {
        var store = await CreateMembershipStoreAsync();
        await store.SetNextAsync("t1", "s1", "c1", At(30));
        await store.SetNextAsync("t2", "s1", "c1", At(10));
        await store.SetNextAsync("t1", "s2", "c2", At(20));
        await store.SetNextAsync("t2", "s9", "c3", At(40));
        for (var i = 0; i < 12; i++)
        {
            await store.SetNextAsync("t3", "s1", $"bulk{i:D2}", At(50 + i));
        }

        Assert.Empty(await store.DueAsync(At(9), 100));
        Assert.Equal([new DueCheck("t2", "s1", "c1", At(10)), new DueCheck("t1", "s2", "c2", At(20)), new DueCheck("t1", "s1", "c1", At(30))],
            await store.DueAsync(At(30), 100));
        Assert.Equal([new DueCheck("t2", "s1", "c1", At(10)), new DueCheck("t1", "s2", "c2", At(20))], await store.DueAsync(At(59), 2));
        var all = await store.DueAsync(At(100), 100);
        Assert.Equal(16, all.Count);
        Assert.Equal(all.Select(c => c.At).Order(), all.Select(c => c.At));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"bulk{i:D2}"), (await store.DueAsync(At(54), 100)).Where(c => c.Tenant == "t3").Select(c => c.ContactId));
    }

    [Fact]
    public async Task Moving_or_clearing_a_next_edge_leaves_no_old_check_behind()
    {
        var store = await CreateMembershipStoreAsync();
        await store.SetNextAsync("t1", "s1", "c1", At(10));
        await store.SetNextAsync("t1", "s1", "c1", At(5));
        await store.SetNextAsync("t1", "s1", "c1", At(20));
        await store.SetNextAsync("t1", "s1", "c1", At(20));
        await store.SetNextAsync("t1", "s1", "c2", At(1));
        await store.SetNextAsync("t1", "s1", "c2", null);
        await store.SetNextAsync("t1", "s1", "c3", null);

        Assert.Equal([new DueCheck("t1", "s1", "c1", At(20))], await store.DueAsync(At(60), 100));
        await store.SetNextAsync("t1", "s1", "c1", null);
        Assert.Empty(await store.DueAsync(At(60), 100));
    }

    [Fact]
    public async Task Racing_moves_of_one_contact_s_edge_leave_exactly_one_check()
    {
        var store = await CreateMembershipStoreAsync();
        await store.SetNextAsync("t1", "s1", "c1", At(0));

        await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(async () =>
        {
            await store.SetNextAsync("t1", "s1", "c1", At(i));
            await store.SetNextAsync("t1", "s1", "c1", At(10 + i));
        })));

        var check = Assert.Single(await store.DueAsync(At(100), 100));
        Assert.InRange(check.At, At(11), At(18));
        await store.SetNextAsync("t1", "s1", "c1", null);
        Assert.Empty(await store.DueAsync(At(100), 100));
    }

    [Theory]
    [MemberData(nameof(HostileContactIds.All), MemberType = typeof(HostileContactIds))]
    public async Task Any_contact_id_is_kept_as_given(string contactId)
    {
        var membership = await CreateMembershipStoreAsync();
        await membership.RecordAsync("t1", "s1", contactId, member: true, At(0), baseline: false, next: At(1));
        await membership.RecordAsync("t1", "s1", contactId + "x", member: true, At(0), baseline: false, next: null);
        Assert.Null((await membership.RecordAsync("t1", "s1", contactId, member: true, At(0), baseline: false, next: At(1))).Change);

        Assert.Equal([contactId, contactId + "x"], (await membership.ChangesAsync("t1", "s1", 0, 100)).Select(c => c.ContactId));
        Assert.Equal(contactId, Assert.Single(await membership.DueAsync(At(1), 100)).ContactId);

        var consumers = await CreateConsumerStoreAsync();
        var drip = new Consumer(ConsumerKind.Drip, contactId, "s1", ChangeKind.Entered);
        await consumers.PutAsync("t1", drip);
        Assert.True(await consumers.AddRecordAsync("t1", drip, new ConsumerRecord(1, contactId, ChangeKind.Entered, At(0))));
        Assert.False(await consumers.AddRecordAsync("t1", drip, new ConsumerRecord(2, contactId, ChangeKind.Entered, At(1))));
        Assert.Equal(drip, await consumers.GetAsync("t1", ConsumerKind.Drip, contactId));
        Assert.Equal(contactId, Assert.Single(await consumers.RecordsAsync("t1", ConsumerKind.Drip, contactId, 0, 100)).ContactId);
    }

    [Fact]
    public async Task Drips_and_triggers_are_kept_per_tenant_and_replaced_by_a_put()
    {
        var store = await CreateConsumerStoreAsync();
        await store.PutAsync("t1", new Consumer(ConsumerKind.Drip, "welcome", "s1", ChangeKind.Entered));
        await store.PutAsync("t1", new Consumer(ConsumerKind.Trigger, "welcome", "s2", ChangeKind.Left));
        await store.PutAsync("t1", new Consumer(ConsumerKind.Trigger, "welcome", "s3", ChangeKind.Entered));
        await store.PutAsync("t2", new Consumer(ConsumerKind.Drip, "other", "s1", ChangeKind.Entered));

        Assert.Equal(new Consumer(ConsumerKind.Trigger, "welcome", "s3", ChangeKind.Entered), await store.GetAsync("t1", ConsumerKind.Trigger, "welcome"));
        Assert.Equal(new Consumer(ConsumerKind.Drip, "welcome", "s1", ChangeKind.Entered), await store.GetAsync("t1", ConsumerKind.Drip, "welcome"));
        Assert.Equal([ConsumerKind.Drip, ConsumerKind.Trigger], (await store.ListAsync("t1")).Select(c => c.Kind).Order());
        Assert.Null(await store.GetAsync("t2", ConsumerKind.Drip, "welcome"));
        Assert.Null(await store.GetAsync("t1", ConsumerKind.Drip, "other"));
        Assert.Equal(["other"], (await store.ListAsync("t2")).Select(c => c.Id));
        Assert.Empty(await store.ListAsync("t3"));
    }

    [Fact]
    public async Task A_deleted_drip_is_gone_with_its_records_and_a_new_one_of_the_same_id_starts_empty()
    {
        var store = await CreateConsumerStoreAsync();
        var drip = new Consumer(ConsumerKind.Drip, "d1", "s1", ChangeKind.Entered);
        var trigger = new Consumer(ConsumerKind.Trigger, "d1", "s1", ChangeKind.Entered);
        await store.PutAsync("t1", drip);
        await store.PutAsync("t1", trigger);
        await store.PutAsync("t2", drip);
        foreach (var (tenant, consumer) in new[] { ("t1", drip), ("t1", trigger), ("t2", drip) })
        {
            Assert.True(await store.AddRecordAsync(tenant, consumer, new ConsumerRecord(3, "c1", ChangeKind.Entered, At(0))));
        }

        Assert.True(await store.DeleteAsync("t1", ConsumerKind.Drip, "d1"));
        Assert.False(await store.DeleteAsync("t1", ConsumerKind.Drip, "d1"));

        Assert.Null(await store.GetAsync("t1", ConsumerKind.Drip, "d1"));
        Assert.Empty(await store.RecordsAsync("t1", ConsumerKind.Drip, "d1", 0, 100));
        Assert.Equal([trigger], await store.ListAsync("t1"));
        Assert.Single(await store.RecordsAsync("t1", ConsumerKind.Trigger, "d1", 0, 100));
        Assert.Single(await store.RecordsAsync("t2", ConsumerKind.Drip, "d1", 0, 100));
        await store.PutAsync("t1", drip);
        Assert.True(await store.AddRecordAsync("t1", drip, new ConsumerRecord(4, "c1", ChangeKind.Entered, At(1))));
    }

    [Fact]
    public async Task A_drip_enrols_a_contact_once_ever_and_a_trigger_fires_once_per_change()
    {
        var store = await CreateConsumerStoreAsync();
        var drip = new Consumer(ConsumerKind.Drip, "d1", "s1", ChangeKind.Entered);
        var trigger = new Consumer(ConsumerKind.Trigger, "t1", "s1", ChangeKind.Entered);

        Assert.True(await store.AddRecordAsync("t1", drip, new ConsumerRecord(3, "c1", ChangeKind.Entered, At(0))));
        Assert.False(await store.AddRecordAsync("t1", drip, new ConsumerRecord(3, "c1", ChangeKind.Entered, At(0))));
        Assert.False(await store.AddRecordAsync("t1", drip, new ConsumerRecord(9, "c1", ChangeKind.Entered, At(9))));
        Assert.True(await store.AddRecordAsync("t1", drip, new ConsumerRecord(5, "c2", ChangeKind.Entered, At(5))));

        Assert.True(await store.AddRecordAsync("t1", trigger, new ConsumerRecord(3, "c1", ChangeKind.Entered, At(0))));
        Assert.False(await store.AddRecordAsync("t1", trigger, new ConsumerRecord(3, "c1", ChangeKind.Entered, At(0))));
        Assert.True(await store.AddRecordAsync("t1", trigger, new ConsumerRecord(9, "c1", ChangeKind.Entered, At(9))));
        // Another tenant's consumer of the same kind and id keeps its own records.
        Assert.True(await store.AddRecordAsync("t2", drip, new ConsumerRecord(3, "c1", ChangeKind.Entered, At(0))));

        Assert.Equal([(3L, "c1", At(0)), (5L, "c2", At(5))],
            (await store.RecordsAsync("t1", ConsumerKind.Drip, "d1", 0, 100)).Select(r => (r.Change, r.ContactId, r.At)));
        Assert.Equal([3L, 9L], (await store.RecordsAsync("t1", ConsumerKind.Trigger, "t1", 0, 100)).Select(r => r.Change));
        Assert.Equal([9L], (await store.RecordsAsync("t1", ConsumerKind.Trigger, "t1", 3, 100)).Select(r => r.Change));
        Assert.Equal([3L], (await store.RecordsAsync("t1", ConsumerKind.Trigger, "t1", 0, 1)).Select(r => r.Change));
        Assert.Single(await store.RecordsAsync("t2", ConsumerKind.Drip, "d1", 0, 100));
        Assert.Empty(await store.RecordsAsync("t3", ConsumerKind.Drip, "d1", 0, 100));
    }

    [Fact]
    public async Task A_baseline_scan_never_overwrites_a_record_and_a_write_knowing_its_prior_records_the_first_change_the_scan_read_past()
    {
        var store = await CreateMembershipStoreAsync();
        MembershipEvaluation Scan(string contact, bool member, int at) => new("s1", contact, member, At(at), Baseline: true, At(at + 60)) { Scan = true };
        MembershipEvaluation Write(string contact, bool? was, bool member, int at) => new("s1", contact, member, At(at), Baseline: true, null) { Was = was };

        // c1: a write (out to in) recorded, then the scan's reading of the document before it, dated later: it records nothing.
        Assert.NotNull((await store.RecordAsync("t1", Write("c1", false, true, 10))).Change);
        Assert.True((await store.RecordAsync("t1", Scan("c1", false, 20))).Stale);
        // c2: the scan reads the written document (a member) before the write's evaluation, dated earlier, is recorded: the
        // write still enters it, once, and a replay of it records nothing.
        Assert.Null((await store.RecordAsync("t1", Scan("c2", true, 20))).Change);
        Assert.Equal(ChangeKind.Entered, (await store.RecordAsync("t1", Write("c2", false, true, 10))).Change?.Kind);
        Assert.Null((await store.RecordAsync("t1", Write("c2", null, true, 10))).Change);
        // c3: a member at the scan, a write leaves: a member before it, the change is its own.
        Assert.Null((await store.RecordAsync("t1", Scan("c3", true, 20))).Change);
        Assert.Equal(ChangeKind.Left, (await store.RecordAsync("t1", Write("c3", true, false, 30))).Change?.Kind);
        // c4: the scan's record, then a time edge (its prior not known) with no change, then a write that knows it.
        Assert.Null((await store.RecordAsync("t1", Scan("c4", false, 20))).Change);
        Assert.Null((await store.RecordAsync("t1", Write("c4", null, false, 25))).Change);
        Assert.Equal(ChangeKind.Entered, (await store.RecordAsync("t1", Write("c4", false, true, 30))).Change?.Kind);
        // c5: created while the baseline runs (nothing before it): enters though the segment is baselining.
        Assert.Equal(ChangeKind.Entered, (await store.RecordAsync("t1", Write("c5", false, true, 15))).Change?.Kind);
        // Once settled, a record is the history: every contact leaves once, then nothing more.
        foreach (var contact in new[] { "c1", "c2", "c4", "c5" })
        {
            Assert.Equal(ChangeKind.Left, (await store.RecordAsync("t1", Write(contact, true, false, 40))).Change?.Kind);
            Assert.Null((await store.RecordAsync("t1", Write(contact, true, false, 41))).Change);
        }

        var changes = await store.ChangesAsync("t1", "s1", 0, 100);
        Assert.Equal(new Dictionary<string, ChangeKind[]>
        {
            ["c1"] = [ChangeKind.Entered, ChangeKind.Left],
            ["c2"] = [ChangeKind.Entered, ChangeKind.Left],
            ["c3"] = [ChangeKind.Left],
            ["c4"] = [ChangeKind.Entered, ChangeKind.Left],
            ["c5"] = [ChangeKind.Entered, ChangeKind.Left],
        }, changes.GroupBy(c => c.ContactId).ToDictionary(g => g.Key, g => g.Select(c => c.Kind).ToArray()));
        // The scan of c1, skipped, left no time-index entry; the others' were moved by their writes.
        Assert.Empty(await store.DueAsync(At(200), 10));
    }

    [Fact]
    public async Task Evaluations_recorded_together_record_what_each_would_alone_in_their_order()
    {
        var together = await CreateMembershipStoreAsync();
        var alone = await CreateMembershipStoreAsync();
        // A contact's evaluations of several segments, then the same contact again (a replay, a stale one, a crossing),
        // and another contact: what a batch of folded contacts hands the store at once.
        MembershipEvaluation[] evaluations =
        [
            new("s1", "c1", true, At(0), false, At(60)),
            new("s2", "c1", false, At(0), false, null),
            new("s3", "c1", true, At(0), true, null),
            new("s1", "c1", true, At(0), false, At(60)),
            new("s1", "c1", false, At(-1), false, null),
            new("s1", "c1", false, At(2), false, null),
            new("s1", "c2", true, At(3), false, null),
        ];

        var recorded = await together.RecordAsync("t1", evaluations);
        var expected = new List<MembershipRecording>();
        foreach (var e in evaluations)
        {
            expected.Add(await alone.RecordAsync("t1", e.Segment, e.ContactId, e.Member, e.At, e.Baseline, e.Next));
        }

        Assert.Equal(expected.Select(r => (r.Stale, r.Change?.ContactId, r.Change?.Kind, r.Change?.At)),
            recorded.Select(r => (r.Stale, r.Change?.ContactId, r.Change?.Kind, r.Change?.At)));
        Assert.Equal([("c1", ChangeKind.Entered), ("c1", ChangeKind.Left), ("c2", ChangeKind.Entered)],
            (await together.ChangesAsync("t1", "s1", 0, 10)).Select(c => (c.ContactId, c.Kind)));
        Assert.Empty(await together.ChangesAsync("t1", "s3", 0, 10));
        Assert.Equal(await alone.DueAsync(At(100), 10), await together.DueAsync(At(100), 10));
    }

    [Fact]
    public async Task Records_added_with_a_cursor_are_kept_once_and_the_cursor_moves_past_them()
    {
        var store = await CreateConsumerStoreAsync();
        var drip = new Consumer(ConsumerKind.Drip, "d1", "s1", ChangeKind.Entered);

        await store.AddRecordsAsync("t1", drip, [new ConsumerRecord(3, "c1", ChangeKind.Entered, At(0)), new ConsumerRecord(4, "c2", ChangeKind.Entered, At(1))],
            "drip:d1:s1", 4);
        await store.AddRecordsAsync("t1", drip, [new ConsumerRecord(4, "c2", ChangeKind.Entered, At(1)), new ConsumerRecord(7, "c1", ChangeKind.Entered, At(7))],
            "drip:d1:s1", 7);

        Assert.Equal(["c1", "c2"], (await store.RecordsAsync("t1", ConsumerKind.Drip, "d1", 0, 100)).Select(r => r.ContactId));
        Assert.Equal(7, await store.CursorAsync("t1", "drip:d1:s1"));
        Assert.Equal(0, await store.CursorAsync("t2", "drip:d1:s1"));
    }

    [Fact]
    public async Task A_day_s_counts_are_replaced_whole_and_read_by_segment_slicing_and_range()
    {
        var store = await CreateReportStoreAsync();
        var d1 = new DateOnly(2026, 11, 1);
        var d2 = d1.AddDays(1);
        await store.PutDayAsync("t1", d1, [
            new("s1", d1, Slicing.Total, "", 3),
            new("s1", d1, Slicing.Country, "FR", 2),
            new("s1", d1, Slicing.Country, "DE", 1),
            new("s2", d1, Slicing.Total, "", 7),
        ]);
        await store.PutDayAsync("t1", d2, [new("s1", d2, Slicing.Country, "DE", 4), new("s1", d2, Slicing.Total, "", 4)]);
        await store.PutDayAsync("t2", d1, [new("s1", d1, Slicing.Total, "", 99)]);

        Assert.Equal([(d1, "DE", 1L), (d1, "FR", 2L), (d2, "DE", 4L)],
            (await store.ReadAsync("t1", "s1", d1, d2, Slicing.Country)).Select(c => (c.Day, c.Slice, c.Count)));
        Assert.Equal([(d1, 3L), (d2, 4L)], (await store.ReadAsync("t1", "s1", d1, d2, Slicing.Total)).Select(c => (c.Day, c.Count)));
        Assert.Equal([(d2, 4L)], (await store.ReadAsync("t1", "s1", d2, d2.AddDays(30), Slicing.Total)).Select(c => (c.Day, c.Count)));

        // Taken again, the day's counts are replaced: slices and segments no longer counted are gone.
        await store.PutDayAsync("t1", d1, [new("s1", d1, Slicing.Country, "FR", 5), new("s1", d1, Slicing.Total, "", 5)]);
        Assert.Equal([("FR", 5L)], (await store.ReadAsync("t1", "s1", d1, d1, Slicing.Country)).Select(c => (c.Slice, c.Count)));
        Assert.Empty(await store.ReadAsync("t1", "s2", d1, d2, Slicing.Total));
        Assert.Equal([99L], (await store.ReadAsync("t2", "s1", d1, d2, Slicing.Total)).Select(c => c.Count));
        Assert.Empty(await store.ReadAsync("t3", "s1", d1, d2, Slicing.Total));
    }

    [Fact]
    public async Task A_slice_holding_key_characters_is_kept_as_given()
    {
        var store = await CreateReportStoreAsync();
        var day = new DateOnly(2026, 11, 1);
        string[] slices = ["news/letter", "a|b", "50%", "#vip?"];
        await store.PutDayAsync("t1", day, [.. slices.Select((s, i) => new DailyCount("s1", day, Slicing.List, s, i + 1))]);

        Assert.Equal(slices.Order(StringComparer.Ordinal), (await store.ReadAsync("t1", "s1", day, day, Slicing.List)).Select(c => c.Slice));
    }
}
