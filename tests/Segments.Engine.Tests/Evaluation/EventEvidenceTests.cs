using Segments.Engine.Evaluation;

namespace Segments.Engine.Tests.Evaluation;

/// <summary>
/// Edges of the event conditions that the verdict alone hides: how far a count walks, which action a condition counts
/// among others, what the explanation lists at T itself, and the one event a <c>seen: last</c> explanation names.
/// </summary>
public class EventEvidenceTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public void A_count_between_two_values_is_walked_past_the_larger()
    {
        var s = new Scenario();
        for (var i = 1; i <= 5; i++)
        {
            s.EventAt(-i * Day, """{"name":"open"}""");
        }
        Assert.True(s.Matches("""{"engagement":{"event":"open","count":{"op":"between","value":[1,5]}}}"""));
        Assert.False(s.Matches("""{"engagement":{"event":"open","count":{"op":"between","value":[1,3]}}}"""));
    }

    [Fact]
    public void Bounces_are_counted_apart_from_the_other_email_events()
    {
        var s = new Scenario()
            .EventAt(-3 * Day, """{"name":"open"}""")
            .EventAt(-2 * Day, """{"name":"bounce"}""")
            .EventAt(-Day, """{"name":"delivered"}""");
        Assert.True(s.Matches("""{"engagement":{"event":"bounce","count":{"op":"eq","value":1}}}"""));
    }

    [Fact]
    public void A_sent_at_T_itself_is_the_last_sent()
    {
        var s = new Scenario()
            .EventAt(-2 * Day, """{"name":"sent","campaignId":"a"}""")
            .EventAt(TimeSpan.Zero, """{"name":"sent","campaignId":"b"}""")
            .EventAt(TimeSpan.Zero, """{"name":"click","campaignId":"b"}""");
        Assert.True(s.Matches("""{"engagement":{"event":"click","campaign":"last"}}"""));
    }

    [Fact]
    public void The_explanation_counts_an_event_at_T_and_a_compacted_total_whose_newest_event_is_at_T()
    {
        var atT = new Scenario().EventAt(-Day, """{"name":"open"}""").EventAt(TimeSpan.Zero, """{"id":"now","name":"open"}""");
        var evidence = Evidence(atT, """{"engagement":{"event":"open","count":{"op":"eq","value":2}}}""", Scenario.T);
        Assert.Equal((true, 2L), (evidence.Result, evidence.Count));
        Assert.Equal("now", evidence.Events[0].Id);

        var compacted = new Scenario().Folding(new() { Horizon = TimeSpan.FromDays(30) })
            .EventAt(-100 * Day, """{"name":"open"}""")
            .EventAt(-Day, """{"name":"open"}""");
        var atNewest = Evidence(compacted, """{"engagement":{"event":"open","count":{"op":"eq","value":1}}}""", Scenario.T - 100 * Day);
        Assert.Equal((true, 0L, 1L), (atNewest.Result, atNewest.Count, atNewest.Compacted));
    }

    private const string LastCart = """{"pixel":{"event":"add_to_cart","seen":"last","within":"10d"}}""";

    private static Scenario Carts() => new Scenario()
        .EventAt(-20 * Day, """{"id":"cart-old","kind":"pixel","name":"add_to_cart"}""")
        .EventAt(-15 * Day, """{"id":"view","kind":"pixel","name":"page_view"}""")
        .EventAt(-5 * Day, """{"id":"cart","kind":"pixel","name":"add_to_cart"}""")
        .EventAt(-Day, """{"id":"open","name":"open"}""");

    [Fact]
    public void A_seen_last_explanation_names_the_event_it_tested_even_the_oldest_and_its_window()
    {
        var evidence = Evidence(Carts(), LastCart, Scenario.T);
        Assert.Equal((true, Scenario.T - 10 * Day), (evidence.Result, evidence.From!.Value));
        Assert.Equal(["cart"], evidence.Events.Select(e => e.Id));

        var oldest = Evidence(Carts(), """{"pixel":{"event":"add_to_cart","seen":"last"}}""", Scenario.T - 18 * Day);
        Assert.Equal(["cart-old"], oldest.Events.Select(e => e.Id));
        Assert.Equal(1, oldest.Count);
    }

    [Theory]
    [InlineData("""{"pixel":{"event":"checkout","seen":"last"}}""", 0)] // no event of the name at all
    [InlineData(LastCart, 8)] // the last cart is older than the window
    [InlineData("""{"pixel":{"event":"add_to_cart","seen":"last"}}""", 25)] // every cart is after T
    public void A_seen_last_explanation_with_no_candidate_names_no_event(string condition, int daysBeforeT)
    {
        var evidence = Evidence(Carts(), condition, Scenario.T - daysBeforeT * Day);
        Assert.False(evidence.Result);
        Assert.Empty(evidence.Events);
        Assert.Equal(0, evidence.Count);
    }

    [Fact]
    public void A_seen_last_decided_by_a_compacted_total_names_no_event()
    {
        var s = new Scenario().Folding(new() { Horizon = TimeSpan.FromDays(30) })
            .EventAt(-100 * Day, """{"kind":"pixel","name":"add_to_cart"}""")
            .EventAt(-2 * Day, """{"name":"open"}""")
            .EventAt(-Day, """{"name":"open"}""");
        var evidence = Evidence(s, """{"pixel":{"event":"add_to_cart","seen":"last"}}""", Scenario.T);
        Assert.True(evidence.Result);
        Assert.Empty(evidence.Events);
    }

    private static EventEvidence Evidence(Scenario s, string condition, DateTimeOffset at)
    {
        var set = new SegmentSet([Scenario.Parse("subject", condition)]);
        var explanation = SegmentExplainer.Explain(set, "subject", s.Document(), at);
        Assert.Equal(set["subject"].Matches(s.Document(), new AsOf(at)), explanation.Member);
        return explanation.Match.Events!;
    }
}
