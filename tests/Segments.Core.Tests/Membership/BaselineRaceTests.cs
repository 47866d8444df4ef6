using System.Runtime.CompilerServices;
using System.Text.Json;
using Segments.Core.Contacts;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Input;
using Segments.Engine.Model;
using Segments.Engine.PushDown;
using Segments.TestSupport.Contracts;
using Segments.TestSupport.Stores;

namespace Segments.Core.Tests.Membership;

/// <summary>
/// A baseline job racing the fold's tracking over the same contacts, interleaved deterministically: the scan reads its
/// documents before writes that are tracked while it runs, and reads a write whose tracking is still on its way.
/// </summary>
public class BaselineRaceTests
{
    private const string Tenant = MembershipRig.Tenant;
    private const string Segment = "opened-not-clicked";
    private static readonly DateTimeOffset Start = new(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);

    private readonly HoldingMembershipStore _holding;
    private readonly MembershipRig _rig;

    public BaselineRaceTests()
    {
        HoldingMembershipStore? holding = null;
        _rig = new MembershipRig(Start, membership: inner => holding = new HoldingMembershipStore(inner));
        _holding = holding!;
    }

    private int _events;

    private async Task EventAsync(string contact, string name)
    {
        _rig.Clock.Advance(TimeSpan.FromSeconds(1));
        await _rig.FoldAsync(Event(contact, name));
    }

    private string Event(string contact, string name) =>
        MembershipRig.Event($"e{++_events}", contact, _rig.Clock.GetUtcNow() - TimeSpan.FromMilliseconds(1), $$"""{"kind":"email","name":"{{name}}"}""");

    [Fact]
    public async Task Writes_tracked_while_a_baseline_runs_record_each_contact_s_first_change_once_whichever_sees_it_first()
    {
        await _rig.SaveAsync("""{"id":"opened-not-clicked","name":"Opened, never clicked","match":{"and":[{"engagement":{"event":"open"}},{"not":{"engagement":{"event":"click"}}}]}}""");
        // Before the drip: members (stays, leaves during the baseline), a non-member that enters during it, and one
        // whose write the scan reads before that write's tracking is recorded.
        await EventAsync("stays", "open");
        await EventAsync("leaves", "open");
        await EventAsync("enters", "sent");
        await EventAsync("held", "sent");
        var drip = new Consumer(ConsumerKind.Drip, "d1", Segment, ChangeKind.Entered);
        await _rig.UseAsync(drip, baseline: false);
        var before = await MembersAsync();

        // "held" opens; its tracking waits on the way to the store while the scan reads the written document.
        _holding.HoldNext();
        _rig.Clock.Advance(TimeSpan.FromSeconds(1));
        var held = _rig.FoldAsync(Event("held", "open"));
        await _holding.Reached;
        // The scan takes its documents first; then, before it records them, writes are folded and tracked: "enters"
        // opens, "leaves" clicks, "created" is new and opens.
        var scanned = new SnapshotScan(_rig.Contacts, async () =>
        {
            await EventAsync("enters", "open");
            await EventAsync("leaves", "click");
            await EventAsync("created", "open");
        });
        _rig.Clock.Advance(TimeSpan.FromSeconds(1));
        await _rig.BaselineAsync(drip, "baseline-d1", scanned);
        _holding.Release();
        await held;

        // After the baseline: "enters" clicks (leaves), "created" clicks (leaves).
        await EventAsync("enters", "click");
        await EventAsync("created", "click");

        var changes = (await _rig.ChangesAsync(Segment)).GroupBy(c => c.ContactId).ToDictionary(g => g.Key, g => g.Select(c => c.Kind).ToList());
        Assert.Equal(new Dictionary<string, List<ChangeKind>>
        {
            ["leaves"] = [ChangeKind.Left],
            ["enters"] = [ChangeKind.Entered, ChangeKind.Left],
            ["created"] = [ChangeKind.Entered, ChangeKind.Left],
            ["held"] = [ChangeKind.Entered],
        }, changes);
        await AssertHistoriesAsync(before, changes);
        Assert.Equal(["created", "enters", "held"], (await _rig.RecordsAsync(ConsumerKind.Drip, "d1")).Select(r => r.ContactId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_contact_written_by_a_batch_that_then_fails_enters_once_though_the_baseline_reads_it_before_the_batch_comes_again()
    {
        var rig = new MembershipRig(Start, folded: contacts => new FailingOnce(contacts, "fails"));
        await rig.SaveAsync("""{"id":"opened-not-clicked","name":"Opened, never clicked","match":{"and":[{"engagement":{"event":"open"}},{"not":{"engagement":{"event":"click"}}}]}}""");
        var drip = new Consumer(ConsumerKind.Drip, "d1", Segment, ChangeKind.Entered);
        await rig.UseAsync(drip, baseline: false);

        // One batch: "written" opens and is written, then the write of "fails" throws and fails the batch (as the fold
        // cancelled by serve's stop does). The baseline scans "written" as a member before the batch is delivered again.
        rig.Clock.Advance(TimeSpan.FromSeconds(1));
        var at = rig.Clock.GetUtcNow() - TimeSpan.FromMilliseconds(1);
        var batch = StreamEvents.Messages(Tenant,
            [MembershipRig.Event("e1", "written", at, """{"kind":"email","name":"open"}"""), MembershipRig.Event("e2", "fails", at, """{"kind":"email","name":"open"}""")]);
        await Assert.ThrowsAsync<IOException>(() => rig.Fold.HandleAsync(batch));
        await rig.BaselineAsync(drip, "baseline-d1");
        await rig.Fold.HandleAsync(batch);

        var changes = (await rig.ChangesAsync(Segment)).Select(c => (c.ContactId, c.Kind)).Order();
        Assert.Equal([("fails", ChangeKind.Entered), ("written", ChangeKind.Entered)], changes);
        Assert.Equal(["fails", "written"], (await rig.RecordsAsync(ConsumerKind.Drip, "d1")).Select(r => r.ContactId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Writes_whose_tracking_a_crash_cut_off_while_a_baseline_runs_record_each_contact_s_first_change_once_when_delivered_again()
    {
        CrashingMembershipStore? crashing = null;
        var rig = new MembershipRig(Start, membership: inner => crashing = new CrashingMembershipStore(inner));
        await rig.SaveAsync("""{"id":"opened-not-clicked","name":"Opened, never clicked","match":{"and":[{"engagement":{"event":"open"}},{"not":{"engagement":{"event":"click"}}}]}}""");
        rig.Clock.Advance(TimeSpan.FromSeconds(1));
        await rig.FoldAsync(MembershipRig.Event("e1", "member", rig.Clock.GetUtcNow(), """{"kind":"email","name":"open"}"""),
            MembershipRig.Event("e2", "opens", rig.Clock.GetUtcNow(), """{"kind":"email","name":"sent"}"""),
            MembershipRig.Event("e3", "opens-again", rig.Clock.GetUtcNow(), """{"kind":"email","name":"sent"}"""));
        var drip = new Consumer(ConsumerKind.Drip, "d1", Segment, ChangeKind.Entered);
        await rig.UseAsync(drip, baseline: false);

        // While the baseline is still to run, a batch's writes are made and the process dies before they are tracked:
        // "opens" and "opens-again" open, "created" is new and opens, "member" opens again (a member before the drip).
        rig.Clock.Advance(TimeSpan.FromSeconds(1));
        var at = rig.Clock.GetUtcNow() - TimeSpan.FromMilliseconds(1);
        string[] batch = [MembershipRig.Event("e4", "opens", at, """{"kind":"email","name":"open"}"""),
            MembershipRig.Event("e5", "opens-again", at, """{"kind":"email","name":"open"}"""),
            MembershipRig.Event("e6", "created", at, """{"kind":"email","name":"open"}"""),
            MembershipRig.Event("e7", "member", at, """{"kind":"email","name":"open"}""")];
        crashing!.CrashNext = true;
        await Assert.ThrowsAsync<IOException>(() => rig.FoldAsync(batch));
        // After the restart the log delivers the batch again, with the next event of "opens-again", which the batch's
        // writes did not hold: a write of its own that replaces a document whose tracking never happened.
        await rig.FoldAsync([.. batch, MembershipRig.Event("e8", "opens-again", at, """{"kind":"email","name":"sent"}""")]);
        await rig.BaselineAsync(drip, "baseline-d1");

        var changes = (await rig.ChangesAsync(Segment)).Select(c => (c.ContactId, c.Kind)).Order();
        Assert.Equal([("created", ChangeKind.Entered), ("opens", ChangeKind.Entered), ("opens-again", ChangeKind.Entered)], changes);
        Assert.Equal(["created", "opens", "opens-again"], (await rig.RecordsAsync(ConsumerKind.Drip, "d1")).Select(r => r.ContactId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_profile_write_whose_tracking_a_crash_cut_off_while_a_baseline_runs_enters_once_when_written_again()
    {
        CrashingMembershipStore? crashing = null;
        var rig = new MembershipRig(Start, membership: inner => crashing = new CrashingMembershipStore(inner));
        await rig.SaveAsync("""{"id":"subscribers","name":"Subscribers","match":{"list":{"id":"news","status":"subscribed"}}}""");
        var profiles = new ProfileWriter(rig.Contacts, rig.Tracker);
        var (joins, created) = (Profile("""{"id":"joins","lists":{"news":"subscribed"}}"""), Profile("""{"id":"created","lists":{"news":"subscribed"}}"""));
        await profiles.WriteAsync(Tenant, Profile("""{"id":"joins"}"""), CancellationToken.None);
        var drip = new Consumer(ConsumerKind.Drip, "d1", "subscribers", ChangeKind.Entered);
        await rig.UseAsync(drip, baseline: false);

        // Each write is made and the process dies before it is tracked; the import's chunk (or the client) writes it again.
        foreach (var profile in new[] { joins, created })
        {
            crashing!.CrashNext = true;
            await Assert.ThrowsAsync<IOException>(() => profiles.WriteAsync(Tenant, profile, CancellationToken.None));
            await profiles.WriteAsync(Tenant, profile, CancellationToken.None);
        }
        await rig.BaselineAsync(drip, "baseline-d1");

        Assert.Equal([("created", ChangeKind.Entered), ("joins", ChangeKind.Entered)],
            (await rig.ChangesAsync("subscribers")).Select(c => (c.ContactId, c.Kind)).Order());
    }

    private static ContactProfile Profile(string json)
    {
        using var body = JsonDocument.Parse(json);
        return InputReader.ReadContact(body.RootElement).Contact!;
    }

    /// <summary>
    /// Every contact's changes alternate, starting from its membership when the drip was defined (none for a contact
    /// created later), and end at its membership evaluated now.
    /// </summary>
    private async Task AssertHistoriesAsync(IReadOnlySet<string> before, Dictionary<string, List<ChangeKind>> changes)
    {
        var now = await MembersAsync();
        foreach (var contact in await ContactsAsync())
        {
            var member = before.Contains(contact);
            foreach (var kind in changes.GetValueOrDefault(contact, []))
            {
                Assert.True(member == (kind == ChangeKind.Left), $"{contact} {kind} while {(member ? "a member" : "not a member")}");
                member = !member;
            }
            Assert.True(member == now.Contains(contact), $"{contact}: tracked {(member ? "in" : "out")}, evaluated {(now.Contains(contact) ? "in" : "out")}");
        }
    }

    private async Task<List<string>> ContactsAsync()
    {
        var contacts = new List<string>();
        foreach (var partition in await _rig.Contacts.ListPartitionsAsync(Tenant))
        {
            await foreach (var contact in _rig.Contacts.ScanAsync(Tenant, partition))
            {
                contacts.Add(contact.Id);
            }
        }
        return contacts;
    }

    private async Task<IReadOnlySet<string>> MembersAsync()
    {
        var segment = Assert.Single(await new TrackedSegments(_rig.CatalogStore).OfAsync(Tenant, CancellationToken.None)).Segment;
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in await ContactsAsync())
        {
            if (segment.Matches((await _rig.Contacts.ReadAsync(Tenant, id))!.Document, new AsOf(_rig.Clock.GetUtcNow())))
            {
                members.Add(id);
            }
        }
        return members;
    }

    /// <summary>The contact store failing the first write of one contact, as an unreachable store would.</summary>
    private sealed class FailingOnce(IContactStore inner, string contactId) : DelegatingContactStore(inner)
    {
        private int _failed;

        public override Task<string> WriteAsync(string tenant, ContactDocument document, string? ifMatch, CancellationToken cancellationToken = default) =>
            document.Id == contactId && Interlocked.Exchange(ref _failed, 1) == 0
                ? throw new IOException($"the store did not answer the write of {contactId}")
                : base.WriteAsync(tenant, document, ifMatch, cancellationToken);
    }

    /// <summary>
    /// The contact store as a baseline's scan reads it: each partition's documents taken at once when its scan starts,
    /// and the first scan running <paramref name="meanwhile"/> before it hands out any of them.
    /// </summary>
    private sealed class SnapshotScan(IContactStore inner, Func<Task> meanwhile) : DelegatingContactStore(inner)
    {
        private Func<Task>? _meanwhile = meanwhile;

        public override async IAsyncEnumerable<ContactDocument> ScanAsync(string tenant, string partition, PushDownCondition? pushDown = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var documents = new List<ContactDocument>();
            await foreach (var document in Inner.ScanAsync(tenant, partition, pushDown, cancellationToken))
            {
                documents.Add(document);
            }
            if (Interlocked.Exchange(ref _meanwhile, null) is { } run)
            {
                await run();
            }
            foreach (var document in documents)
            {
                yield return document;
            }
        }
    }
}
