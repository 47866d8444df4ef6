using Segments.Core.Membership;
using Segments.Core.Tests.Stream;

namespace Segments.Core.Tests.Membership;

public class MembershipTrackerTests
{
    private const string Tenant = MembershipRig.Tenant;
    private static readonly DateTimeOffset LastOpen = new(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WinBackEdge = LastOpen + TimeSpan.FromDays(60);

    private readonly MembershipRig _rig = new(LastOpen + TimeSpan.FromHours(1));

    private static string Open(string id, string contact, DateTimeOffset at) => MembershipRig.Event(id, contact, at, """{"kind":"email","name":"open"}""");

    private async Task SetUpAsync()
    {
        await _rig.SaveAsync("""{"id":"win-back","name":"Win-back","match":{"and":[{"engagement":{"event":"open"}},{"not":{"engagement":{"event":"open","within":"60d"}}}]}}""");
        await _rig.UseAsync(new Consumer(ConsumerKind.Drip, "welcome-back", "win-back", ChangeKind.Entered));
        await _rig.UseAsync(new Consumer(ConsumerKind.Trigger, "gone-quiet", "win-back", ChangeKind.Left));
    }

    private Task<IReadOnlyList<MembershipChange>> Changes() => _rig.ChangesAsync("win-back");

    [Fact]
    public async Task A_last_open_ageing_past_60_days_enters_win_back_at_that_instant_with_no_event_and_re_engaging_leaves()
    {
        await SetUpAsync();
        await _rig.Fold.HandleAsync(StreamEvents.Messages(Tenant, [Open("e1", "c1", LastOpen)]));
        Assert.Empty(await Changes());

        _rig.Clock.SetUtcNow(WinBackEdge - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await _rig.Sweep.RunAsync());
        _rig.Clock.SetUtcNow(WinBackEdge + TimeSpan.FromSeconds(15));
        Assert.Equal(1, await _rig.Sweep.RunAsync());

        var entered = Assert.Single(await Changes());
        Assert.Equal(("c1", ChangeKind.Entered, WinBackEdge), (entered.ContactId, entered.Kind, entered.At));

        _rig.Clock.Advance(TimeSpan.FromDays(1));
        var reopened = _rig.Clock.GetUtcNow();
        await _rig.Fold.HandleAsync(StreamEvents.Messages(Tenant, [Open("e2", "c1", reopened - TimeSpan.FromMinutes(5))]));

        var changes = await Changes();
        Assert.Equal([(ChangeKind.Entered, WinBackEdge), (ChangeKind.Left, reopened)], changes.Select(c => (c.Kind, c.At)));
        var firing = Assert.Single(await _rig.Records.RecordsAsync(Tenant, ConsumerKind.Trigger, "gone-quiet", 0, 100));
        Assert.Equal((changes[1].Sequence, ChangeKind.Left), (firing.Change, firing.Kind));
    }

    [Fact]
    public async Task While_a_baseline_is_pending_a_contact_it_has_not_reached_records_no_change_and_after_it_a_new_contact_enters()
    {
        await _rig.SaveAsync("""{"id":"openers","name":"Openers","match":{"engagement":{"event":"open"}}}""");
        // c1 opened before the drip existed: a member all along.
        await _rig.Fold.HandleAsync(StreamEvents.Messages(Tenant, [Open("e1", "c1", LastOpen)]));
        var drip = new Consumer(ConsumerKind.Drip, "d1", "openers", ChangeKind.Entered);
        await _rig.UseAsync(drip, baseline: false);

        // A write reaches c1 before the baseline job does: no false entered.
        await _rig.Fold.HandleAsync(StreamEvents.Messages(Tenant, [Open("e2", "c1", LastOpen.AddMinutes(1))]));
        Assert.Empty(await _rig.ChangesAsync("openers"));

        await _rig.BaselineAsync(drip, "baseline-d1");
        Assert.Empty(await _rig.ChangesAsync("openers"));
        await _rig.Fold.HandleAsync(StreamEvents.Messages(Tenant, [Open("e3", "c2", LastOpen.AddMinutes(2))]));

        var entered = Assert.Single(await _rig.ChangesAsync("openers"));
        Assert.Equal(("c2", ChangeKind.Entered), (entered.ContactId, entered.Kind));
        Assert.Equal(["c2"], (await _rig.RecordsAsync(ConsumerKind.Drip, "d1")).Select(r => r.ContactId));
    }

    [Fact]
    public async Task Replays_record_no_change_twice_and_a_drip_enrols_a_contact_once()
    {
        await SetUpAsync();
        var first = StreamEvents.Messages(Tenant, [Open("e1", "c1", LastOpen)]);
        await _rig.Fold.HandleAsync(first);
        _rig.Clock.SetUtcNow(WinBackEdge + TimeSpan.FromSeconds(15));
        await _rig.Sweep.RunAsync();

        // The same batch again, the edge evaluated again (a sweep that crashed before moving the index), and again later.
        await _rig.Fold.HandleAsync(first);
        await _rig.Tracker.EvaluateAsync(Tenant, (await _rig.Contacts.ReadAsync(Tenant, "c1"))!.Document, WinBackEdge, "win-back", CancellationToken.None);
        _rig.Clock.Advance(TimeSpan.FromMinutes(1));
        await _rig.Fold.HandleAsync(first);
        Assert.Single(await Changes());

        // Leaving and entering again is a new change, but the drip enrolled the contact already.
        _rig.Clock.Advance(TimeSpan.FromDays(1));
        var reopened = _rig.Clock.GetUtcNow() - TimeSpan.FromMinutes(1);
        await _rig.Fold.HandleAsync(StreamEvents.Messages(Tenant, [Open("e2", "c1", reopened)]));
        _rig.Clock.SetUtcNow(reopened + TimeSpan.FromDays(61));
        await _rig.Sweep.RunAsync();

        Assert.Equal([ChangeKind.Entered, ChangeKind.Left, ChangeKind.Entered], (await Changes()).Select(c => c.Kind));
        var enrolment = Assert.Single(await _rig.Records.RecordsAsync(Tenant, ConsumerKind.Drip, "welcome-back", 0, 100));
        Assert.Equal(("c1", WinBackEdge), (enrolment.ContactId, enrolment.At));
    }

    [Fact]
    public async Task The_sweep_re_evaluates_only_contacts_whose_next_change_instant_has_passed()
    {
        await SetUpAsync();
        var events = Enumerable.Range(0, 30).Select(i => Open($"e{i}", $"c{i:D2}", LastOpen - TimeSpan.FromDays(i % 3 == 0 ? 0 : 30))).ToList();
        await _rig.Fold.HandleAsync(StreamEvents.Messages(Tenant, events));

        // 20 of 30 contacts opened 30 days earlier: their edge is 30 days before the others'.
        _rig.Clock.SetUtcNow(WinBackEdge - TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));
        Assert.Equal(20, await _rig.Sweep.RunAsync());
        Assert.Equal(0, await _rig.Sweep.RunAsync());
        Assert.Equal(20, (await Changes()).Count);

        _rig.Clock.SetUtcNow(WinBackEdge + TimeSpan.FromSeconds(1));
        Assert.Equal(10, await _rig.Sweep.RunAsync());
        Assert.Equal(30, (await Changes()).Count(c => c.Kind == ChangeKind.Entered));
    }

    [Fact]
    public async Task Contacts_already_in_a_segment_when_tracking_starts_enter_nothing()
    {
        await _rig.Fold.HandleAsync(StreamEvents.Messages(Tenant, [Open("e1", "c1", LastOpen)]));
        _rig.Clock.SetUtcNow(WinBackEdge + TimeSpan.FromDays(1));
        await SetUpAsync();

        Assert.Equal(0, await _rig.Sweep.RunAsync());
        Assert.Empty(await Changes());
        Assert.Empty(await _rig.Records.RecordsAsync(Tenant, ConsumerKind.Drip, "welcome-back", 0, 100));
    }

    [Fact]
    public async Task A_sweep_evaluation_that_read_the_contact_before_a_later_write_was_evaluated_records_nothing()
    {
        await _rig.SaveAsync("""{"id":"recent","name":"Opened lately","match":{"engagement":{"event":"open","within":"60d"}}}""");
        await _rig.UseAsync(new Consumer(ConsumerKind.Trigger, "went-quiet", "recent", ChangeKind.Left));
        await _rig.Fold.HandleAsync(StreamEvents.Messages(Tenant, [Open("e1", "c1", LastOpen)]));
        var entered = Assert.Single(await _rig.ChangesAsync("recent"));

        // The sweep takes c1's edge (its open ageing out) and reads the contact; before it evaluates, a new open is
        // folded and evaluated at the write time, later than the edge.
        var edge = LastOpen + TimeSpan.FromDays(60);
        _rig.Clock.SetUtcNow(edge + TimeSpan.FromSeconds(15));
        Assert.Equal([new DueCheck(Tenant, "recent", "c1", edge)], await _rig.Membership.DueAsync(_rig.Clock.GetUtcNow(), 100));
        var read = (await _rig.Contacts.ReadAsync(Tenant, "c1"))!.Document;
        var reopened = edge + TimeSpan.FromSeconds(10);
        await _rig.Fold.HandleAsync(StreamEvents.Messages(Tenant, [Open("e2", "c1", reopened)]));
        await _rig.Tracker.EvaluateAsync(Tenant, read, edge, "recent", CancellationToken.None);

        // The stale evaluation would have had c1 leave at the edge and cleared its next edge: it recorded nothing.
        Assert.Equal([entered], await _rig.ChangesAsync("recent"));
        Assert.Empty(await _rig.RecordsAsync(ConsumerKind.Trigger, "went-quiet"));
        var next = reopened + TimeSpan.FromDays(60);
        Assert.Equal([new DueCheck(Tenant, "recent", "c1", next)], await _rig.Membership.DueAsync(next + TimeSpan.FromDays(365), 100));
        Assert.Equal(0, await _rig.Sweep.RunAsync());

        // c1 is still a member: it leaves when the new open ages out.
        _rig.Clock.SetUtcNow(next + TimeSpan.FromSeconds(15));
        Assert.Equal(1, await _rig.Sweep.RunAsync());
        var changes = await _rig.ChangesAsync("recent");
        Assert.Equal([(ChangeKind.Entered, entered.At), (ChangeKind.Left, next)], changes.Select(c => (c.Kind, c.At)));
        Assert.Equal([changes[1].Sequence], (await _rig.RecordsAsync(ConsumerKind.Trigger, "went-quiet")).Select(r => r.Change));
    }

    [Fact]
    public async Task The_contacts_of_a_stream_batch_are_tracked_in_one_recording_after_the_fold_and_each_enters_once()
    {
        CountingMembershipStore counting = null!;
        var rig = new MembershipRig(LastOpen + TimeSpan.FromHours(1), membership: inner => counting = new CountingMembershipStore(inner));
        await rig.SaveAsync("""{"id":"recent","name":"Opened lately","match":{"engagement":{"event":"open","within":"60d"}}}""");
        await rig.SaveAsync("""{"id":"quiet","name":"Not opened lately","match":{"not":{"engagement":{"event":"open","within":"60d"}}}}""");
        await rig.UseAsync(new Consumer(ConsumerKind.Drip, "welcome", "recent", ChangeKind.Entered));
        await rig.UseAsync(new Consumer(ConsumerKind.Trigger, "woke-up", "quiet", ChangeKind.Left));
        counting.Calls.Clear();

        // 40 contacts, two opens each (one of them delivered twice): one batch.
        var events = Enumerable.Range(0, 80).Select(i => Open($"e{i}", $"c{i % 40:D2}", LastOpen - TimeSpan.FromMinutes(i))).ToList();
        await rig.Fold.HandleAsync(StreamEvents.Messages(Tenant, [.. events, events[0]]));

        Assert.Equal([80], counting.Calls);
        Assert.Equal(40, (await rig.ChangesAsync("recent")).Count);
        Assert.Empty(await rig.ChangesAsync("quiet"));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"c{i:D2}"),
            (await rig.RecordsAsync(ConsumerKind.Drip, "welcome")).Select(r => r.ContactId).Order());

        // The same batch again (a replay after a crash before the checkpoint) records nothing more.
        await rig.Fold.HandleAsync(StreamEvents.Messages(Tenant, [.. events, events[0]]));
        Assert.Equal(40, (await rig.ChangesAsync("recent")).Count);
        Assert.Equal(40, (await rig.RecordsAsync(ConsumerKind.Drip, "welcome")).Count);
    }
}
