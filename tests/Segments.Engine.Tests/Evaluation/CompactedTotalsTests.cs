using System.Text.Json.Nodes;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;

namespace Segments.Engine.Tests.Evaluation;

/// <summary>
/// Events older than the horizon survive as totals (kind, name, action, campaign, count, value sum, newest time), and a
/// condition without a window or property test still counts them: per condition kind, what is counted, what is not,
/// and what the explanation shows of them. The fold's own tests check how totals are made; these check how they are read.
/// </summary>
public class CompactedTotalsTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly FoldOptions ThirtyDays = new() { Horizon = TimeSpan.FromDays(30) };

    private static Scenario Compacting() => new Scenario().Folding(ThirtyDays);

    /// <summary>The condition with <c>"count": {"op": "eq", "value": n}</c> added.</summary>
    private static string Count(string condition, int n)
    {
        var root = JsonNode.Parse(condition)!.AsObject();
        root.Single().Value!["count"] = new JsonObject { ["op"] = "eq", ["value"] = n };
        return root.ToJsonString();
    }

    [Fact]
    public void The_scenarios_events_are_compacted_except_the_newest()
    {
        var document = Engagement().Document();
        Assert.Equal(["newest"], document.Events.Select(e => e.Id));
        Assert.Equal(3, document.Compacted.Length); // the opens of a, the click of a, the machine open of b
    }

    private static Scenario Engagement() => Compacting()
        .EventAt(-100 * Day, """{"name":"open","campaignId":"a"}""")
        .EventAt(-99 * Day, """{"name":"open","campaignId":"a"}""")
        .EventAt(-95 * Day, """{"name":"click","campaignId":"a"}""")
        .EventAt(-90 * Day, """{"name":"open","campaignId":"b","properties":{"machine":true}}""")
        .EventAt(-Day, """{"id":"newest","name":"open","campaignId":"b"}""");

    [Theory]
    [InlineData("""{"engagement":{"event":"open"}}""", 3)]
    [InlineData("""{"engagement":{"event":"open","machineOpens":"include"}}""", 4)]
    [InlineData("""{"engagement":{"event":"click"}}""", 1)]
    [InlineData("""{"engagement":{"event":"engaged"}}""", 4)]
    [InlineData("""{"engagement":{"event":"engaged","machineOpens":"include"}}""", 5)]
    [InlineData("""{"engagement":{"event":"engaged","campaign":"a"}}""", 3)]
    [InlineData("""{"engagement":{"event":"engaged","campaign":"b","machineOpens":"include"}}""", 2)]
    [InlineData("""{"engagement":{"event":"bounce"}}""", 0)]
    [InlineData("""{"engagement":{"event":"open","within":"365d"}}""", 1)]
    public void Engagement_counts_the_compacted_events_of_its_action_campaign_and_machine_rule_and_none_in_a_window(string condition, int expected)
    {
        var s = Engagement();
        Assert.True(s.Matches(Count(condition, expected)), $"count {expected}");
        Assert.False(s.Matches(Count(condition, expected + 1)), $"count {expected + 1}");
    }

    [Fact]
    public void A_total_counts_from_the_instant_of_its_newest_event()
    {
        var s = Engagement();
        var newestOpenOfA = Scenario.T - 99 * Day;
        Assert.True(s.Matches(Count("""{"engagement":{"event":"open"}}""", 2), newestOpenOfA));
        Assert.True(s.Matches(Count("""{"engagement":{"event":"open"}}""", 0), newestOpenOfA - TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void The_last_sent_campaign_can_be_a_compacted_one_and_ties_go_to_the_larger_id()
    {
        const string clickedLast = """{"engagement":{"event":"click","campaign":"last"}}""";
        var tie = Compacting()
            .EventAt(-100 * Day, """{"name":"sent","campaignId":"cmp-10"}""")
            .EventAt(-100 * Day, """{"name":"sent","campaignId":"cmp-9"}""")
            .EventAt(-Day, """{"name":"click","campaignId":"cmp-9"}""");
        Assert.DoesNotContain(tie.Document().Events, e => e.Info.Action == Model.EmailAction.Sent);
        Assert.True(tie.Matches(clickedLast)); // ordinal: "cmp-9" > "cmp-10"

        var newer = Compacting()
            .EventAt(-100 * Day, """{"name":"sent","campaignId":"z"}""")
            .EventAt(-99 * Day, """{"name":"sent","campaignId":"a"}""")
            .EventAt(-Day, """{"name":"click","campaignId":"a"}""");
        Assert.True(newer.Matches(clickedLast));
        Assert.False(newer.Matches(clickedLast, Scenario.T - 99 * Day - TimeSpan.FromTicks(1)));
    }

    private static Scenario Conversions() => Compacting()
        .EventAt(-91 * Day, """{"name":"click","campaignId":"x"}""")
        .EventAt(-90 * Day, """{"kind":"conversion","name":"purchase","value":70}""")
        .EventAt(-80 * Day, """{"kind":"conversion","name":"upgrade","value":30}""")
        .EventAt(-Day, """{"kind":"conversion","name":"Purchase","value":5}""");

    [Theory]
    [InlineData("""{"conversion":{"event":"PURCHASE"}}""", 2)]
    [InlineData("""{"conversion":{"event":"upgrade"}}""", 1)]
    [InlineData("""{"conversion":{}}""", 3)]
    [InlineData("""{"conversion":{"campaign":"x"}}""", 1)]
    [InlineData("""{"conversion":{"campaign":"any"}}""", 1)]
    [InlineData("""{"conversion":{"campaign":"y"}}""", 0)]
    [InlineData("""{"conversion":{"event":"purchase","within":"365d"}}""", 1)]
    [InlineData("""{"conversion":{"event":"purchase","where":[{"property":"coupon","op":"not_exists"}]}}""", 1)]
    public void Conversion_counts_the_compacted_ones_of_its_name_and_attribution(string condition, int expected)
    {
        var s = Conversions();
        Assert.Equal(3, s.Document().Compacted.Length);
        Assert.True(s.Matches(Count(condition, expected)), $"count {expected}");
        Assert.False(s.Matches(Count(condition, expected + 1)), $"count {expected + 1}");
    }

    [Theory]
    [InlineData("""{"conversion":{"event":"purchase","value":{"op":"eq","value":75}}}""", true)]
    [InlineData("""{"conversion":{"value":{"op":"eq","value":105}}}""", true)]
    [InlineData("""{"conversion":{"value":{"op":"eq","value":5},"within":"365d"}}""", true)]
    [InlineData("""{"conversion":{"event":"purchase","value":{"op":"eq","value":5}}}""", false)]
    public void A_value_test_sums_the_compacted_values_too(string condition, bool expected) =>
        Assert.Equal(expected, Conversions().Matches(condition));

    private static Scenario Pixels() => Compacting()
        .EventAt(-100 * Day, """{"kind":"pixel","name":"page_view","properties":{"path":"/pricing"}}""")
        .EventAt(-Day, """{"kind":"pixel","name":"Page_View","properties":{"path":"/home"}}""");

    [Theory]
    [InlineData("""{"pixel":{"event":"PAGE_VIEW"}}""", 2)]
    [InlineData("""{"pixel":{"event":"signup"}}""", 0)]
    [InlineData("""{"pixel":{"event":"page_view","where":[{"property":"path","op":"eq","value":"/pricing"}]}}""", 0)]
    public void A_pixel_condition_counts_compacted_events_of_its_name_unless_it_tests_their_properties(string condition, int expected)
    {
        var s = Pixels();
        Assert.True(s.Matches(Count(condition, expected)), $"count {expected}");
        Assert.False(s.Matches(Count(condition, expected + 1)), $"count {expected + 1}");
    }

    [Fact]
    public void Seen_last_falls_back_to_a_compacted_total_only_without_a_window_or_a_test()
    {
        var s = Compacting()
            .EventAt(-100 * Day, """{"kind":"pixel","name":"add_to_cart","properties":{"total":150}}""")
            .EventAt(-Day, """{"name":"open"}""");
        Assert.True(s.Matches("""{"pixel":{"event":"ADD_TO_CART","seen":"last"}}"""));
        Assert.False(s.Matches("""{"pixel":{"event":"add_to_cart","seen":"last"}}""", Scenario.T - 100 * Day - TimeSpan.FromTicks(1)));
        Assert.False(s.Matches("""{"pixel":{"event":"add_to_cart","seen":"last","within":"365d"}}"""));
        Assert.False(s.Matches("""{"pixel":{"event":"add_to_cart","seen":"last","where":[{"property":"total","op":"gt","value":100}]}}"""));
        Assert.False(s.Matches("""{"pixel":{"event":"checkout","seen":"last"}}"""));
    }

    [Fact]
    public void A_retained_sent_is_the_last_before_any_compacted_one()
    {
        var s = Compacting()
            .EventAt(-100 * Day, """{"name":"sent","campaignId":"old"}""")
            .EventAt(-2 * Day, """{"name":"sent","campaignId":"new"}""")
            .EventAt(-Day, """{"name":"click","campaignId":"new"}""");
        Assert.True(s.Matches("""{"engagement":{"event":"click","campaign":"last"}}"""));
    }

    [Fact]
    public void A_pixel_condition_counts_no_compacted_total_of_another_kind_with_its_name()
    {
        var s = Compacting()
            .EventAt(-100 * Day, """{"kind":"conversion","name":"purchase","value":10}""")
            .EventAt(-Day, """{"kind":"pixel","name":"purchase"}""");
        Assert.True(s.Matches(Count("""{"pixel":{"event":"purchase"}}""", 1)));
        Assert.False(s.Matches("""{"pixel":{"event":"purchase","seen":"last"}}""", Scenario.T - 2 * Day));
    }

    [Theory]
    [InlineData("""{"conversion":{"event":"purchase","seen":"last"}}""", true)]
    [InlineData("""{"conversion":{"event":"UPGRADE","seen":"last"}}""", true)]
    [InlineData("""{"conversion":{"seen":"last"}}""", true)]
    [InlineData("""{"conversion":{"event":"signup","seen":"last"}}""", false)]
    [InlineData("""{"conversion":{"seen":"last","campaign":"x"}}""", false)]
    [InlineData("""{"conversion":{"event":"purchase","seen":"last","where":[{"property":"coupon","op":"not_exists"}]}}""", false)]
    [InlineData("""{"conversion":{"event":"purchase","seen":"last","within":"365d"}}""", false)]
    public void Seen_last_on_conversions_falls_back_to_a_compacted_total_of_its_name_with_nothing_else_to_test(string condition, bool expected) =>
        Assert.Equal(expected, Conversions().Matches(condition, Scenario.T - 2 * Day)); // before the one retained conversion

    [Fact]
    public void The_explanation_shows_the_compacted_count_apart_from_the_events_it_lists_and_the_sum_with_both()
    {
        var s = Conversions();
        var evidence = Evidence(s, """{"conversion":{"event":"purchase","value":{"op":"eq","value":75}}}""");
        Assert.True(evidence.Result);
        Assert.Null(evidence.From);
        Assert.Equal((1L, 1L, 75.0), (evidence.Count, evidence.Compacted, evidence.Sum!.Value));
        var listed = Assert.Single(evidence.Events);
        Assert.Equal((Scenario.T - Day, 5.0), (listed.At, listed.Value!.Value));

        var windowed = Evidence(s, """{"conversion":{"value":{"op":"gte","value":5},"within":"365d"}}""");
        Assert.Equal((Scenario.T - 365 * Day, 1L, 0L, 5.0), (windowed.From!.Value, windowed.Count, windowed.Compacted, windowed.Sum!.Value));

        var counted = Evidence(Engagement(), """{"engagement":{"event":"open","count":{"op":"eq","value":3}}}""");
        Assert.Equal((true, 1L, 2L), (counted.Result, counted.Count, counted.Compacted));
        Assert.Null(counted.Sum);
        Assert.Equal(["newest"], counted.Events.Select(e => e.Id));
    }

    [Fact]
    public void The_explanation_lists_the_counted_events_newest_first_and_no_more_than_its_limit()
    {
        var s = new Scenario();
        for (var i = 0; i < EventEvidence.Listed + 5; i++)
        {
            s.EventAt(-TimeSpan.FromMinutes(i + 1), $$"""{"id":"o{{i:D3}}","name":"open"}""");
        }
        s.EventAt(-TimeSpan.FromSeconds(1), """{"id":"k","name":"click"}""");
        var evidence = Evidence(s, """{"engagement":{"event":"open","count":{"op":"gte","value":1}}}""");
        Assert.Equal(EventEvidence.Listed + 5, evidence.Count);
        Assert.Equal(Enumerable.Range(0, EventEvidence.Listed).Select(i => $"o{i:D3}"), evidence.Events.Select(e => e.Id));
        Assert.Equal(Scenario.T - TimeSpan.FromMinutes(1), evidence.Events[0].At);
    }

    private static EventEvidence Evidence(Scenario s, string condition)
    {
        var set = new SegmentSet([Scenario.Parse("subject", condition)]);
        var explanation = SegmentExplainer.Explain(set, "subject", s.Document(), Scenario.T);
        Assert.Equal(set["subject"].Matches(s.Document(), new AsOf(Scenario.T)), explanation.Member);
        return explanation.Match.Events!;
    }
}
