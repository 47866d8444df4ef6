using Segments.Core.Documents;
using Segments.Core.Evaluation;
using Segments.Core.Model;

namespace Segments.Core.Tests.Documents;

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

    private static string Describe(ContactDocument d) => string.Join("\n",
        d.Events.Select(e => $"{e.At} {e.Id} {e.Info}")
            .Concat(d.Suppressions.Select(s => $"suppression {s.Key} {s.Value}"))
            .Concat(d.ListOptOuts.Select(s => $"optout {s.Key} {s.Value}"))
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
    public void Events_of_another_contact_are_a_programming_error()
    {
        var e = new Scenario().Event("""{"name":"open","at":"2026-11-01T00:00:00Z","contactId":"c2"}""").Events[0];
        Assert.Throws<ArgumentException>(() => new ContactFolder(new FoldOptions()).Fold(new ContactDocument("c1"), [e]));
    }
}
