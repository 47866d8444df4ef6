using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Model;

namespace Segments.Engine.Tests.Documents;

public class ContactFolderTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static Scenario Busy() => new Scenario()
        .EventAt(-20 * Day, """{"id":"s1","name":"sent","campaignId":"a"}""")
        .EventAt(-19 * Day, """{"id":"k1","name":"click","campaignId":"a","geo":{"country":"DE"}}""")
        .EventAt(-18 * Day, """{"id":"v1","kind":"conversion","name":"purchase","value":10}""")
        .EventAt(-10 * Day, """{"id":"b1","name":"bounce","properties":{"bounceType":"hard"}}""")
        .EventAt(-9 * Day, """{"id":"u1","name":"unsubscribe","properties":{"listId":"news"}}""")
        .EventAt(-5 * Day, """{"id":"k2","name":"click","campaignId":"b"}""")
        .EventAt(-4 * Day, """{"id":"v2","kind":"conversion","name":"purchase","value":20}""")
        .EventAt(-Day, """{"id":"p1","kind":"pixel","name":"page_view","properties":{"path":"/pricing"}}""");

    private static string Marks(ContactDocument d) =>
        string.Join("; ", d.Suppressions.Select(m => $"{m.Key} {m.Value}")
            .Concat(d.ListChanges.Select(c => c.ListId).Distinct().Select(l => $"{l} {d.OptedOutSince(l, long.MaxValue)}")));

    private static string Describe(ContactDocument d) => string.Join("\n",
        d.Events.Select(e => $"{e.At} {e.Id} {e.Info}")
            .Concat(d.Suppressions.Select(s => $"suppression {s.Key} {s.Value}"))
            .Concat(d.ListChanges.Select(c => c.ToString()))
            .Concat(d.Compacted.Select(c => c.ToString())));

    [Fact]
    public void Any_arrival_order_and_any_batching_give_the_same_document()
    {
        var s = Busy();
        var expected = Describe(s.Document());
        var random = new Random(7);
        for (var round = 0; round < 20; round++)
        {
            var shuffled = s.Events.OrderBy(_ => random.Next()).ToList();
            var document = new ContactDocument("c1");
            var folder = new ContactFolder(new FoldOptions());
            foreach (var batch in shuffled.Chunk(random.Next(1, 4)))
            {
                document = folder.Fold(document, batch).Document;
            }
            Assert.Equal(expected, Describe(document));
        }
    }

    [Fact]
    public void Replaying_a_batch_changes_nothing_and_reports_duplicates()
    {
        var s = Busy();
        var document = s.Document();
        var before = Describe(document);
        var outcome = new ContactFolder(new FoldOptions()).Fold(document, [.. s.Events]);
        Assert.False(outcome.Changed);
        Assert.Equal(s.Events.Count, outcome.Duplicates);
        Assert.Equal(before, Describe(outcome.Document));
    }

    [Fact]
    public void Attribution_is_recomputed_when_the_click_arrives_after_the_conversion()
    {
        var s = Busy();
        var document = new ContactDocument("c1");
        var folder = new ContactFolder(new FoldOptions());
        document = folder.Fold(document, [.. s.Events.Where(e => e.Id != "k2")]).Document;
        Assert.Null(document.Events.Single(e => e.Id == "v2").Info.AttributedCampaign);
        document = folder.Fold(document, [.. s.Events.Where(e => e.Id == "k2")]).Document;
        Assert.Equal("b", document.Events.Single(e => e.Id == "v2").Info.AttributedCampaign);
        Assert.Equal("a", document.Events.Single(e => e.Id == "v1").Info.AttributedCampaign);
    }

    [Fact]
    public void Events_imply_suppressions_and_list_opt_outs_from_their_time()
    {
        var document = Busy().Document();
        var at = Assert.Single(document.Suppressions, s => s.Key == SuppressionReason.HardBounce).Value;
        Assert.Equal((Scenario.T - 10 * Day).UtcTicks, at);
        Assert.Equal(ListStatuses.Unsubscribed, document.ListStatusAt("news", Scenario.T.UtcTicks));
        Assert.Null(document.ListStatusAt("news", (Scenario.T - 10 * Day).UtcTicks));
    }

    [Fact]
    public void Events_beyond_the_horizon_are_compacted_into_totals_that_all_time_conditions_still_count()
    {
        var options = new FoldOptions { Horizon = TimeSpan.FromDays(30) };
        var document = new ContactDocument("c1");
        var folder = new ContactFolder(options);
        var s = new Scenario()
            .EventAt(-100 * Day, """{"id":"o1","name":"open","campaignId":"a"}""")
            .EventAt(-90 * Day, """{"id":"c1","kind":"conversion","name":"purchase","value":70}""")
            .EventAt(-Day, """{"id":"o2","name":"open","campaignId":"b"}""");
        document = folder.Fold(document, [.. s.Events]).Document;

        Assert.Equal(["o2"], document.Events.Select(e => e.Id));
        Assert.Equal(2, document.Compacted.Length);
        var set = new SegmentSet([
            Scenario.Parse("opens", """{"engagement":{"event":"open","count":{"op":"eq","value":2}}}"""),
            Scenario.Parse("spend", """{"conversion":{"event":"purchase","value":{"op":"eq","value":70}}}"""),
            Scenario.Parse("recent", """{"engagement":{"event":"open","within":"30d","count":{"op":"eq","value":1}}}"""),
        ]);
        var t = new AsOf(Scenario.T);
        Assert.True(set["opens"].Matches(document, t));
        Assert.True(set["spend"].Matches(document, t));
        Assert.True(set["recent"].Matches(document, t));
    }

    [Fact]
    public void A_delivery_older_than_the_horizon_behind_the_newest_event_is_refused_not_counted()
    {
        var folder = new ContactFolder(new FoldOptions { Horizon = TimeSpan.FromDays(30) });
        var document = new ContactDocument("c1");
        var s = new Scenario()
            .EventAt(-Day, """{"id":"new","name":"open"}""")
            .EventAt(-40 * Day, """{"id":"old","name":"open"}""");
        document = folder.Fold(document, [s.Events[0]]).Document;
        var outcome = folder.Fold(document, [s.Events[1]]);
        var refused = Assert.Single(outcome.Refused);
        Assert.Equal("old", refused.Event.Id);
        Assert.Contains("30 days", refused.Reason);
        Assert.Single(outcome.Document.Events);
    }

    [Fact]
    public void Retained_events_are_capped()
    {
        var folder = new ContactFolder(new FoldOptions { MaxRetainedEvents = 10 });
        var document = new ContactDocument("c1");
        var s = new Scenario();
        for (var i = 0; i < 25; i++)
        {
            s.EventAt(-TimeSpan.FromHours(i), """{"name":"open"}""");
        }
        document = folder.Fold(document, [.. s.Events]).Document;
        Assert.Equal(10, document.Events.Length);
        Assert.Equal(15, document.Compacted.Single().Count);
    }

    [Fact]
    public void An_event_twice_in_one_batch_is_added_once_and_counted_as_a_duplicate()
    {
        var s = new Scenario().EventAt(-Day, """{"id":"o1","name":"open"}""");

        var outcome = new ContactFolder(new FoldOptions()).Fold(new ContactDocument("c1"), [s.Events[0], s.Events[0]]);

        Assert.Equal((1, 1), (outcome.Added, outcome.Duplicates));
        Assert.Equal(["o1"], outcome.Document.Events.Select(e => e.Id));
    }

    [Fact]
    public void The_earliest_of_repeated_suppressions_and_opt_outs_holds_and_the_earlier_document_is_left_as_it_was()
    {
        var folder = new ContactFolder(new FoldOptions());
        var s = new Scenario()
            .EventAt(-2 * Day, """{"id":"b2","name":"bounce","properties":{"bounceType":"hard"}}""")
            .EventAt(-2 * Day, """{"id":"u2","name":"unsubscribe","properties":{"listId":"news"}}""")
            .EventAt(-5 * Day, """{"id":"b1","name":"bounce","properties":{"bounceType":"hard"}}""")
            .EventAt(-5 * Day, """{"id":"u1","name":"unsubscribe","properties":{"listId":"news"}}""")
            .EventAt(-Day, """{"id":"b3","name":"bounce","properties":{"bounceType":"hard"}}""");
        var later = folder.Fold(new ContactDocument("c1"), [.. s.Events.Take(2)]).Document;

        var earlier = folder.Fold(later, [.. s.Events.Skip(2)]).Document;

        Assert.Equal($"HardBounce {(Scenario.T - 5 * Day).UtcTicks}; news {(Scenario.T - 5 * Day).UtcTicks}", Marks(earlier));
        Assert.Equal($"HardBounce {(Scenario.T - 2 * Day).UtcTicks}; news {(Scenario.T - 2 * Day).UtcTicks}", Marks(later));
    }

    [Fact]
    public void The_outcome_names_the_events_added_the_lists_opted_out_of_and_the_conversions_attributed_anew()
    {
        var folder = new ContactFolder(new FoldOptions());
        var s = new Scenario()
            .EventAt(-3 * Day, """{"id":"v1","kind":"conversion","name":"purchase"}""")
            .EventAt(-2 * Day, """{"id":"u1","name":"unsubscribe","properties":{"listId":"news"}}""")
            .EventAt(-4 * Day, """{"id":"k1","name":"click","campaignId":"a"}""");
        var first = folder.Fold(new ContactDocument("c1"), [.. s.Events.Take(2)]);
        var conversion = first.Document.Events.Single(e => e.Id == "v1").Info.Signature;
        var unsubscribe = first.Document.Events.Single(e => e.Id == "u1").Info.Signature;

        var click = folder.Fold(first.Document, [s.Events[2]]);

        Assert.Equal(conversion | unsubscribe, first.Touched.Events);
        Assert.Equal(["news"], first.Touched.Lists);
        var clickSignature = click.Document.Events.Single(e => e.Id == "k1").Info.Signature;
        Assert.Equal(clickSignature | conversion, click.Touched.Events);
        Assert.Empty(click.Touched.Lists);
    }

    [Fact]
    public void Compaction_keeps_clicks_one_attribution_window_longer_and_sums_what_it_compacts()
    {
        var folder = new ContactFolder(new FoldOptions { Horizon = TimeSpan.FromDays(30), AttributionWindow = TimeSpan.FromDays(7) });
        var s = new Scenario()
            .EventAt(-45 * Day, """{"id":"v1","kind":"conversion","name":"purchase","value":10}""")
            .EventAt(-44 * Day, """{"id":"v2","kind":"conversion","name":"purchase","value":20}""")
            .EventAt(-35 * Day, """{"id":"k1","name":"click","campaignId":"a"}""")
            .EventAt(-35 * Day, """{"id":"o1","name":"open","campaignId":"a"}""")
            .EventAt(-39 * Day, """{"id":"k0","name":"click","campaignId":"a"}""")
            .EventAt(-Day, """{"id":"p1","kind":"pixel","name":"page_view"}""");
        var before = folder.Fold(new ContactDocument("c1"), [.. s.Events.SkipLast(1)]);

        var outcome = folder.Fold(before.Document, [s.Events[^1]]);

        Assert.Equal(["k1", "p1"], outcome.Document.Events.Select(e => e.Id));
        Assert.Equal(
            [$"Email click Click 1 0 {(Scenario.T - 39 * Day).UtcTicks}", $"Email open Open 1 0 {(Scenario.T - 35 * Day).UtcTicks}",
                $"Conversion purchase Other 2 30 {(Scenario.T - 44 * Day).UtcTicks}"],
            outcome.Document.Compacted.Select(t => $"{t.Kind} {t.Name} {t.Action} {t.Count} {t.ValueSum} {t.NewestAt}"));
        var compacted = before.Document.Events.Where(e => e.Id is "v1" or "v2" or "k0" or "o1").Aggregate(0UL, (bits, e) => bits | e.Info.Signature);
        var added = outcome.Document.Events.Single(e => e.Id == "p1").Info.Signature;
        Assert.Equal(compacted | added, outcome.Touched.Events);
        Assert.Empty(before.Document.Compacted);
    }

    [Fact]
    public void Events_of_another_contact_are_a_programming_error_naming_the_event_and_both_contacts()
    {
        var e = new Scenario().Event("""{"id":"o7","name":"open","at":"2026-11-01T00:00:00Z","contactId":"c2"}""").Events[0];
        var error = Assert.Throws<ArgumentException>(() => new ContactFolder(new FoldOptions()).Fold(new ContactDocument("c1"), [e]));
        Assert.StartsWith("event 'o7' of contact 'c2' folded into contact 'c1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_click_at_the_instant_of_the_conversion_is_attributed_even_when_its_id_sorts_after_the_conversion()
    {
        var document = new Scenario()
            .EventAt(-Day, """{"id":"k9","name":"click","campaignId":"a"}""")
            .EventAt(-Day, """{"id":"c0","kind":"conversion","name":"purchase"}""")
            .Document();

        Assert.Equal(["c0", "k9"], document.Events.Select(e => e.Id));
        Assert.Equal("a", document.Events[0].Info.AttributedCampaign);
    }

    [Fact]
    public void Compaction_drops_a_bots_email_events_and_totals_its_other_events()
    {
        var folder = new ContactFolder(new FoldOptions { Horizon = TimeSpan.FromDays(30) });
        var s = new Scenario()
            .EventAt(-100 * Day, """{"id":"o1","name":"open","campaignId":"a","bot":true}""")
            .EventAt(-99 * Day, """{"id":"p1","kind":"pixel","name":"page_view","bot":true}""")
            .EventAt(-98 * Day, """{"id":"o2","name":"open","campaignId":"a"}""")
            .EventAt(-Day, """{"id":"o3","name":"open","campaignId":"b"}""");

        var document = folder.Fold(new ContactDocument("c1"), [.. s.Events]).Document;

        Assert.Equal(["o3"], document.Events.Select(e => e.Id));
        Assert.Equal(["email open a 1", "pixel page_view  1"],
            document.Compacted.Select(t => $"{t.Kind.ToString().ToLowerInvariant()} {t.Name} {t.CampaignId} {t.Count}"));
    }

    [Fact]
    public void Folding_a_new_event_is_a_change_and_replaying_it_is_not()
    {
        var folder = new ContactFolder(new FoldOptions());
        var s = new Scenario().EventAt(-Day, """{"id":"o1","name":"open"}""");

        var first = folder.Fold(new ContactDocument("c1"), [s.Events[0]]);
        var again = folder.Fold(first.Document, [s.Events[0]]);

        Assert.True(first.Changed);
        Assert.False(again.Changed);
    }

    [Fact]
    public void A_delivery_exactly_the_horizon_behind_the_newest_event_is_folded_and_kept()
    {
        var folder = new ContactFolder(new FoldOptions { Horizon = TimeSpan.FromDays(30) });
        var s = new Scenario()
            .EventAt(-Day, """{"id":"new","name":"open"}""")
            .EventAt(-31 * Day, """{"id":"edge","name":"open"}""");
        var document = folder.Fold(new ContactDocument("c1"), [s.Events[0]]).Document;

        var outcome = folder.Fold(document, [s.Events[1]]);

        Assert.Empty(outcome.Refused);
        Assert.Equal(1, outcome.Added);
        Assert.Equal(["edge", "new"], outcome.Document.Events.Select(e => e.Id));
        Assert.Empty(outcome.Document.Compacted);
    }

    [Fact]
    public void A_refused_delivery_leaves_the_document_as_it_was_not_even_as_a_compacted_total()
    {
        var folder = new ContactFolder(new FoldOptions { Horizon = TimeSpan.FromDays(30) });
        var s = new Scenario()
            .EventAt(-Day, """{"id":"new","name":"open"}""")
            .EventAt(-31 * Day - TimeSpan.FromTicks(1), """{"id":"late","name":"open"}""");
        var document = folder.Fold(new ContactDocument("c1"), [s.Events[0]]).Document;

        var outcome = folder.Fold(document, [s.Events[1]]);

        Assert.Equal("late", Assert.Single(outcome.Refused).Event.Id);
        Assert.Equal((0, 0, false), (outcome.Added, outcome.Duplicates, outcome.Changed));
        Assert.Same(document, outcome.Document);
        Assert.Empty(outcome.Document.Compacted);
    }

    [Fact]
    public void A_conversion_arriving_alone_is_attributed_to_a_click_already_folded_and_reports_the_conversion_part_touched()
    {
        var folder = new ContactFolder(new FoldOptions());
        var s = new Scenario()
            .EventAt(-3 * Day, """{"id":"k1","name":"click","campaignId":"a"}""")
            .EventAt(-2 * Day, """{"id":"v1","kind":"conversion","name":"purchase"}""");
        var document = folder.Fold(new ContactDocument("c1"), [s.Events[0]]).Document;

        var outcome = folder.Fold(document, [s.Events[1]]);

        Assert.Equal("a", outcome.Document.Events.Single(e => e.Id == "v1").Info.AttributedCampaign);
        Assert.Equal(SignatureOf(outcome, "v1"), outcome.Touched.Events);
    }

    [Fact]
    public void A_click_exactly_the_attribution_window_before_a_conversion_is_attributed_and_one_tick_more_is_not()
    {
        var s = new Scenario()
            .EventAt(-8 * Day, """{"id":"k1","name":"click","campaignId":"a"}""")
            .EventAt(-Day, """{"id":"v1","kind":"conversion","name":"purchase"}""")
            .EventAt(-8 * Day - TimeSpan.FromTicks(1), """{"id":"k2","name":"click","campaignId":"b"}""");

        var document = s.Document([s.Events[0], s.Events[1]]);
        var tooEarly = s.Document([s.Events[2], s.Events[1]]);

        Assert.Equal("a", document.Events.Single(e => e.Id == "v1").Info.AttributedCampaign);
        Assert.Null(tooEarly.Events.Single(e => e.Id == "v1").Info.AttributedCampaign);
    }

    [Fact]
    public void A_conversion_goes_to_the_most_recent_of_several_clicks_in_the_window()
    {
        var document = new Scenario()
            .EventAt(-4 * Day, """{"id":"k1","name":"click","campaignId":"a"}""")
            .EventAt(-3 * Day, """{"id":"k2","name":"click","campaignId":"b"}""")
            .EventAt(-2 * Day, """{"id":"o1","name":"open","campaignId":"c"}""")
            .EventAt(-Day, """{"id":"v1","kind":"conversion","name":"purchase"}""")
            .Document();

        Assert.Equal("b", document.Events.Single(e => e.Id == "v1").Info.AttributedCampaign);
    }

    private static ulong SignatureOf(FoldOutcome outcome, string id) => outcome.Document.Events.Single(e => e.Id == id).Info.Signature;

    [Fact]
    public void Two_events_of_one_kind_folded_in_one_batch_report_their_part_touched()
    {
        var s = new Scenario()
            .EventAt(-2 * Day, """{"id":"o1","name":"open","campaignId":"a"}""")
            .EventAt(-Day, """{"id":"o2","name":"open","campaignId":"b"}""");

        var outcome = new ContactFolder(new FoldOptions()).Fold(new ContactDocument("c1"), [.. s.Events]);

        Assert.Equal(SignatureOf(outcome, "o1"), SignatureOf(outcome, "o2"));
        Assert.Equal(SignatureOf(outcome, "o1"), outcome.Touched.Events);
    }

    [Fact]
    public void A_new_event_that_compacts_an_older_one_of_its_kind_reports_that_part_touched()
    {
        var folder = new ContactFolder(new FoldOptions { Horizon = TimeSpan.FromDays(30) });
        var s = new Scenario()
            .EventAt(-40 * Day, """{"id":"o1","name":"open"}""")
            .EventAt(-Day, """{"id":"o2","name":"open"}""");
        var document = folder.Fold(new ContactDocument("c1"), [s.Events[0]]).Document;

        var outcome = folder.Fold(document, [s.Events[1]]);

        Assert.Equal(["o2"], outcome.Document.Events.Select(e => e.Id));
        Assert.Equal(1, outcome.Document.Compacted.Single().Count);
        Assert.Equal(SignatureOf(outcome, "o2"), outcome.Touched.Events);
    }

    [Fact]
    public void A_late_click_that_attributes_two_conversions_reports_the_click_and_the_conversions_touched()
    {
        var folder = new ContactFolder(new FoldOptions());
        var s = new Scenario()
            .EventAt(-3 * Day, """{"id":"v1","kind":"conversion","name":"purchase"}""")
            .EventAt(-2 * Day, """{"id":"v2","kind":"conversion","name":"purchase"}""")
            .EventAt(-4 * Day, """{"id":"k1","name":"click","campaignId":"a"}""");
        var document = folder.Fold(new ContactDocument("c1"), [.. s.Events.Take(2)]).Document;

        var outcome = folder.Fold(document, [s.Events[2]]);

        Assert.Equal(["a", "a"], outcome.Document.Events.Where(e => e.Id is "v1" or "v2").Select(e => e.Info.AttributedCampaign));
        Assert.Equal(SignatureOf(outcome, "k1") | SignatureOf(outcome, "v1"), outcome.Touched.Events);
    }

    [Fact]
    public void A_hard_bounce_then_a_complaint_keep_both_suppressions_with_their_times()
    {
        var folder = new ContactFolder(new FoldOptions());
        var s = new Scenario()
            .EventAt(-3 * Day, """{"id":"b1","name":"bounce","properties":{"bounceType":"hard"}}""")
            .EventAt(-2 * Day, """{"id":"x1","name":"complaint"}""");
        var document = folder.Fold(new ContactDocument("c1"), [s.Events[0]]).Document;

        document = folder.Fold(document, [s.Events[1]]).Document;

        Assert.Equal($"HardBounce {(Scenario.T - 3 * Day).UtcTicks}; Complaint {(Scenario.T - 2 * Day).UtcTicks}", Marks(document));
    }

    [Fact]
    public void Compacting_again_adds_to_the_totals_compacted_before()
    {
        var folder = new ContactFolder(new FoldOptions { Horizon = TimeSpan.FromDays(30) });
        var s = new Scenario()
            .EventAt(-100 * Day, """{"id":"v1","kind":"conversion","name":"purchase","value":10}""")
            .EventAt(-80 * Day, """{"id":"v2","kind":"conversion","name":"purchase","value":20}""")
            .EventAt(-60 * Day, """{"id":"p1","kind":"pixel","name":"page_view"}""")
            .EventAt(-Day, """{"id":"p2","kind":"pixel","name":"page_view"}""");
        var before = folder.Fold(new ContactDocument("c1"), [.. s.Events.Take(3)]).Document;

        var after = folder.Fold(before, [s.Events[3]]).Document;

        Assert.Equal([$"Conversion purchase 1 10 {(Scenario.T - 100 * Day).UtcTicks}"],
            before.Compacted.Select(t => $"{t.Kind} {t.Name} {t.Count} {t.ValueSum} {t.NewestAt}"));
        Assert.Equal(["p2"], after.Events.Select(e => e.Id));
        Assert.Equal(
            [$"Pixel page_view 1 0 {(Scenario.T - 60 * Day).UtcTicks}", $"Conversion purchase 2 30 {(Scenario.T - 80 * Day).UtcTicks}"],
            after.Compacted.Select(t => $"{t.Kind} {t.Name} {t.Count} {t.ValueSum} {t.NewestAt}"));
    }

    [Fact]
    public void Compacted_totals_are_ordered_by_kind_name_campaign_attributed_campaign_and_machine()
    {
        var folder = new ContactFolder(new FoldOptions { Horizon = TimeSpan.FromDays(30), AttributionWindow = TimeSpan.FromDays(7) });
        var s = new Scenario()
            .EventAt(-100 * Day, """{"id":"v3","kind":"conversion","name":"purchase","campaignId":"c"}""")
            .EventAt(-99 * Day, """{"id":"k1","name":"click","campaignId":"x"}""")
            .EventAt(-98 * Day, """{"id":"v1","kind":"conversion","name":"purchase"}""")
            .EventAt(-97 * Day, """{"id":"o1","name":"open","campaignId":"b"}""")
            .EventAt(-96 * Day, """{"id":"o2","name":"open","campaignId":"a","properties":{"machine":true}}""")
            .EventAt(-95 * Day, """{"id":"o3","name":"open","campaignId":"a"}""")
            .EventAt(-90 * Day, """{"id":"k2","name":"click","campaignId":"w"}""")
            .EventAt(-89 * Day, """{"id":"v2","kind":"conversion","name":"purchase"}""")
            .EventAt(-Day, """{"id":"o9","name":"open"}""");

        var document = folder.Fold(new ContactDocument("c1"), [.. s.Events]).Document;

        Assert.Equal(["o9"], document.Events.Select(e => e.Id));
        Assert.Equal(
            ["Email click w  False", "Email click x  False", "Email open a  False", "Email open a  True", "Email open b  False",
                "Conversion purchase  w False", "Conversion purchase  x False", "Conversion purchase c c False"],
            document.Compacted.Select(t => $"{t.Kind} {t.Name} {t.CampaignId} {t.AttributedCampaign} {t.Machine}"));
    }
}
