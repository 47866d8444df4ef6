using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Segments.Core.Catalog;
using Segments.Core.Documents;
using Segments.Core.Language;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Core.Tests.Stream;

namespace Segments.Core.Tests.Membership;

public class MembershipTrackerTests
{
    private const string Tenant = "t1";
    private static readonly DateTimeOffset LastOpen = new(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WinBackEdge = LastOpen + TimeSpan.FromDays(60);

    private readonly FakeTimeProvider _clock = new(LastOpen + TimeSpan.FromHours(1));
    private readonly InMemoryContactStore _contacts = new();
    private readonly InMemoryMembershipStore _membership = new();
    private readonly InMemoryConsumerStore _consumers = new();
    private readonly InMemoryCatalogStore _catalogStore = new();
    private readonly SegmentCatalog _catalog;
    private readonly MembershipTracker _tracker;
    private readonly TimeSweep _sweep;
    private readonly StreamFolder _fold;

    public MembershipTrackerTests()
    {
        _catalog = new SegmentCatalog(_catalogStore);
        _tracker = new MembershipTracker(new TrackedSegments(_catalogStore), _membership, _consumers, _contacts, _clock);
        _sweep = new TimeSweep(_membership, _contacts, _tracker, _clock);
        _fold = new StreamFolder(_contacts, new InMemoryDeadLetterStore(), new ContactFolder(new FoldOptions()), _clock, written: _tracker);
    }

    private static string Open(string id, string contact, DateTimeOffset at) =>
        $$"""{"id":"{{id}}","contactId":"{{contact}}","kind":"email","name":"open","at":"{{at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}}"}""";

    private async Task SetUpAsync()
    {
        await Save("""{"id":"win-back","name":"Win-back","match":{"and":[{"engagement":{"event":"open"}},{"not":{"engagement":{"event":"open","within":"60d"}}}]}}""");
        await Use(new Consumer(ConsumerKind.Drip, "welcome-back", "win-back", ChangeKind.Entered));
        await Use(new Consumer(ConsumerKind.Trigger, "gone-quiet", "win-back", ChangeKind.Left));
    }

    private async Task Save(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.True((await _catalog.SaveSegmentAsync(Tenant, document.RootElement, null)).Succeeded);
    }

    private async Task Use(Consumer consumer)
    {
        var kind = consumer.Kind == ConsumerKind.Drip ? CatalogUserKind.Drip : CatalogUserKind.Trigger;
        Assert.True((await _catalog.SetUserAsync(Tenant, new CatalogUser(kind, consumer.Id), [new SegmentReference(consumer.Segment, "$.segment")])).Succeeded);
        await _consumers.PutAsync(Tenant, consumer);
        await _tracker.BaselineAsync(Tenant, consumer.Segment, CancellationToken.None);
    }

    private Task<IReadOnlyList<MembershipChange>> Changes() => _membership.ChangesAsync(Tenant, "win-back", 0, 100);

    [Fact]
    public async Task A_last_open_ageing_past_60_days_enters_win_back_at_that_instant_with_no_event_and_re_engaging_leaves()
    {
        await SetUpAsync();
        await _fold.HandleAsync(StreamEvents.Messages(Tenant, [Open("e1", "c1", LastOpen)]));
        Assert.Empty(await Changes());

        _clock.SetUtcNow(WinBackEdge - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await _sweep.RunAsync());
        _clock.SetUtcNow(WinBackEdge + TimeSpan.FromSeconds(15));
        Assert.Equal(1, await _sweep.RunAsync());

        var entered = Assert.Single(await Changes());
        Assert.Equal(("c1", ChangeKind.Entered, WinBackEdge), (entered.ContactId, entered.Kind, entered.At));

        _clock.Advance(TimeSpan.FromDays(1));
        var reopened = _clock.GetUtcNow();
        await _fold.HandleAsync(StreamEvents.Messages(Tenant, [Open("e2", "c1", reopened - TimeSpan.FromMinutes(5))]));

        var changes = await Changes();
        Assert.Equal([(ChangeKind.Entered, WinBackEdge), (ChangeKind.Left, reopened)], changes.Select(c => (c.Kind, c.At)));
        var firing = Assert.Single(await _consumers.RecordsAsync(Tenant, ConsumerKind.Trigger, "gone-quiet", 0, 100));
        Assert.Equal((changes[1].Sequence, ChangeKind.Left), (firing.Change, firing.Kind));
    }

    [Fact]
    public async Task Replays_record_no_change_twice_and_a_drip_enrols_a_contact_once()
    {
        await SetUpAsync();
        var first = StreamEvents.Messages(Tenant, [Open("e1", "c1", LastOpen)]);
        await _fold.HandleAsync(first);
        _clock.SetUtcNow(WinBackEdge + TimeSpan.FromSeconds(15));
        await _sweep.RunAsync();

        // The same batch again, the edge evaluated again (a sweep that crashed before moving the index), and again later.
        await _fold.HandleAsync(first);
        await _tracker.EvaluateAsync(Tenant, (await _contacts.ReadAsync(Tenant, "c1"))!.Document, WinBackEdge, "win-back", CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await _fold.HandleAsync(first);
        Assert.Single(await Changes());

        // Leaving and entering again is a new change, but the drip enrolled the contact already.
        _clock.Advance(TimeSpan.FromDays(1));
        var reopened = _clock.GetUtcNow() - TimeSpan.FromMinutes(1);
        await _fold.HandleAsync(StreamEvents.Messages(Tenant, [Open("e2", "c1", reopened)]));
        _clock.SetUtcNow(reopened + TimeSpan.FromDays(61));
        await _sweep.RunAsync();

        Assert.Equal([ChangeKind.Entered, ChangeKind.Left, ChangeKind.Entered], (await Changes()).Select(c => c.Kind));
        var enrolment = Assert.Single(await _consumers.RecordsAsync(Tenant, ConsumerKind.Drip, "welcome-back", 0, 100));
        Assert.Equal(("c1", WinBackEdge), (enrolment.ContactId, enrolment.At));
    }

    [Fact]
    public async Task The_sweep_re_evaluates_only_contacts_whose_next_change_instant_has_passed()
    {
        await SetUpAsync();
        var events = Enumerable.Range(0, 30).Select(i => Open($"e{i}", $"c{i:D2}", LastOpen - TimeSpan.FromDays(i % 3 == 0 ? 0 : 30))).ToList();
        await _fold.HandleAsync(StreamEvents.Messages(Tenant, events));

        // 20 of 30 contacts opened 30 days earlier: their edge is 30 days before the others'.
        _clock.SetUtcNow(WinBackEdge - TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));
        Assert.Equal(20, await _sweep.RunAsync());
        Assert.Equal(0, await _sweep.RunAsync());
        Assert.Equal(20, (await Changes()).Count);

        _clock.SetUtcNow(WinBackEdge + TimeSpan.FromSeconds(1));
        Assert.Equal(10, await _sweep.RunAsync());
        Assert.Equal(30, (await Changes()).Count(c => c.Kind == ChangeKind.Entered));
    }

    [Fact]
    public async Task Contacts_already_in_a_segment_when_tracking_starts_enter_nothing()
    {
        await _fold.HandleAsync(StreamEvents.Messages(Tenant, [Open("e1", "c1", LastOpen)]));
        _clock.SetUtcNow(WinBackEdge + TimeSpan.FromDays(1));
        await SetUpAsync();

        Assert.Equal(0, await _sweep.RunAsync());
        Assert.Empty(await Changes());
        Assert.Empty(await _consumers.RecordsAsync(Tenant, ConsumerKind.Drip, "welcome-back", 0, 100));
    }
}
