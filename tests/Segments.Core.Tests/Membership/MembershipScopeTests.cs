using System.Text.Json;
using Segments.Core.Contacts;
using Segments.Core.Membership;
using Segments.Core.Streaming;
using Segments.Engine.Input;

namespace Segments.Core.Tests.Membership;

/// <summary>
/// A write re-evaluates only the tracked segments that read a part of the contact it changed: its events by kind and
/// name, geo or device, the lists an unsubscribe opts out of, and the profile fields and lists an upsert changes,
/// following references.
/// </summary>
public class MembershipScopeTests
{
    private static readonly DateTimeOffset Now = new(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);
    private CountingMembershipStore _counting = null!;
    private readonly MembershipRig _rig;

    public MembershipScopeTests() => _rig = new MembershipRig(Now, membership: inner => _counting = new CountingMembershipStore(inner));

    private async Task SetUpAsync()
    {
        await _rig.SaveAsync("""{"id":"pricing","name":"Pricing","match":{"pixel":{"event":"pricing_view"}}}""");
        await _rig.SaveAsync("""{"id":"german","name":"German","match":{"geo":{"country":{"op":"eq","value":"DE"}}}}""");
        await _rig.SaveAsync("""{"id":"vip","name":"VIP","match":{"field":{"name":"email","op":"ends_with","value":"@vip.example"}}}""");
        await _rig.SaveAsync("""{"id":"vip-news","name":"VIP news","match":{"and":[{"segment":{"id":"vip"}},{"list":{"id":"news"}}]}}""");
        foreach (var segment in new[] { "pricing", "german", "vip-news" })
        {
            await _rig.UseAsync(new Consumer(ConsumerKind.Drip, $"{segment}-drip", segment, ChangeKind.Entered));
        }
        await UpsertAsync("""{"id":"c1"}""");
        _counting.Evaluated.Clear();
    }

    private async Task<List<string>> EvaluatedByAsync(Func<Task> write)
    {
        _counting.Evaluated.Clear();
        await write();
        return [.. _counting.Evaluated];
    }

    private Task Fold(string id, string rest) => _rig.FoldAsync(MembershipRig.Event(id, "c1", Now - TimeSpan.FromMinutes(1), rest));

    private async Task UpsertAsync(string json)
    {
        using var body = JsonDocument.Parse(json);
        var (document, _, changed, replaced) = (await ContactProfiles.UpsertAsync(_rig.Contacts, MembershipRig.Tenant, InputReader.ReadContact(body.RootElement).Contact!))!.Value;
        await _rig.Tracker.OnWrittenAsync(MembershipRig.Tenant, [new WrittenContact(document, changed, replaced)], CancellationToken.None);
    }

    [Fact]
    public async Task A_write_of_data_no_tracked_segment_reads_re_evaluates_nothing()
    {
        await SetUpAsync();

        Assert.Empty(await EvaluatedByAsync(() => Fold("e1", """{"kind":"pixel","name":"blog_view","device":{"client":"Firefox"}}""")));
        Assert.Empty(await EvaluatedByAsync(() => Fold("e2", """{"kind":"email","name":"sent","campaignId":"cmp-1"}""")));
        Assert.Empty(await EvaluatedByAsync(() => UpsertAsync("""{"id":"c1","firstName":"Ada","lists":{"offers":"subscribed"}}""")));
        // The same profile again changes nothing: it may be a retry, so it reports the fields and lists it holds.
        Assert.Empty(await EvaluatedByAsync(() => UpsertAsync("""{"id":"c1","firstName":"Ada","lists":{"offers":"subscribed"}}""")));
    }

    [Fact]
    public async Task A_write_re_evaluates_the_segments_that_read_what_it_changed_and_they_change_at_once()
    {
        await SetUpAsync();

        Assert.Equal(["pricing"], await EvaluatedByAsync(() => Fold("e1", """{"kind":"pixel","name":"Pricing_View"}""")));
        Assert.Equal(["german"], await EvaluatedByAsync(() => Fold("e2", """{"kind":"email","name":"open","geo":{"country":"DE"}}""")));
        // The email field is read through the reference to vip; the list directly.
        Assert.Equal(["vip-news"], await EvaluatedByAsync(() => UpsertAsync("""{"id":"c1","email":"ada@vip.example","lists":{"news":"subscribed"}}""")));
        // An unsubscribe from the list opts the contact out of it.
        Assert.Equal(["vip-news"], await EvaluatedByAsync(() => Fold("e3", """{"kind":"email","name":"unsubscribe","properties":{"listId":"news"}}""")));

        foreach (var (segment, kinds) in new[] { ("pricing", new[] { ChangeKind.Entered }), ("german", [ChangeKind.Entered]),
            ("vip-news", [ChangeKind.Entered, ChangeKind.Left]) })
        {
            Assert.Equal(kinds, (await _rig.ChangesAsync(segment)).Select(c => c.Kind));
            Assert.Single(await _rig.RecordsAsync(ConsumerKind.Drip, $"{segment}-drip"));
        }
    }

    [Fact]
    public async Task A_new_contact_is_evaluated_for_every_tracked_segment_whatever_its_first_write()
    {
        await SetUpAsync();
        string[] all = ["german", "pricing", "vip-news"];

        Assert.Equal(all, await EvaluatedByAsync(() => _rig.FoldAsync(MembershipRig.Event("e1", "c2", Now, """{"kind":"pixel","name":"blog_view"}"""))));
        Assert.Equal(all, await EvaluatedByAsync(() => UpsertAsync("""{"id":"c3","firstName":"Grace"}""")));
    }

    [Fact]
    public async Task A_batch_repeating_events_written_before_re_evaluates_every_tracked_segment()
    {
        await SetUpAsync();
        var batch = MembershipRig.Event("e1", "c1", Now, """{"kind":"pixel","name":"blog_view"}""");
        var later = MembershipRig.Event("e2", "c1", Now, """{"kind":"pixel","name":"blog_view"}""");
        await _rig.FoldAsync(batch);
        string[] all = ["german", "pricing", "vip-news"];

        Assert.Equal(all, await EvaluatedByAsync(() => _rig.FoldAsync(batch)));
        // Delivered again with a new event, it repeats what the first write may have failed to tell.
        Assert.Equal(all, await EvaluatedByAsync(() => _rig.FoldAsync(batch, later)));
        Assert.Empty(await EvaluatedByAsync(() => _rig.FoldAsync(MembershipRig.Event("e3", "c1", Now, """{"kind":"pixel","name":"blog_view"}"""))));
    }
}
