namespace Segments.Engine.Tests.Evaluation;

public class ActivityConditionTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public void Where_predicates_must_hold_on_the_same_event()
    {
        var s = new Scenario()
            .EventAt(-Day, """{"kind":"pixel","name":"page_view","properties":{"path":"/pricing"}}""")
            .EventAt(-Day, """{"kind":"pixel","name":"page_view","properties":{"path":"/blog","title":"Pricing"}}""");
        Assert.False(s.Matches("""{"pixel":{"event":"page_view","where":[{"property":"path","op":"eq","value":"/PRICING"},{"property":"title","op":"exists"}]}}"""));
        Assert.True(s.Matches("""{"pixel":{"event":"page_view","where":[{"property":"path","op":"eq","value":"/PRICING"},{"property":"title","op":"not_exists"}]}}"""));
    }

    [Fact]
    public void Property_comparison_follows_the_json_type()
    {
        var s = new Scenario().EventAt(-Day, """{"kind":"pixel","name":"add_to_cart","properties":{"price":29,"sku":"29"}}""");
        Assert.True(s.Matches("""{"pixel":{"event":"add_to_cart","where":[{"property":"price","op":"gte","value":29}]}}"""));
        Assert.True(s.Matches("""{"pixel":{"event":"add_to_cart","where":[{"property":"price","op":"eq","value":29}]}}"""));
        // A number property with a text operand is a missing value: eq false, neq true.
        Assert.False(s.Matches("""{"pixel":{"event":"add_to_cart","where":[{"property":"price","op":"eq","value":"29"}]}}"""));
        Assert.True(s.Matches("""{"pixel":{"event":"add_to_cart","where":[{"property":"price","op":"neq","value":"29"}]}}"""));
        // A string property with a number operator is missing too.
        Assert.False(s.Matches("""{"pixel":{"event":"add_to_cart","where":[{"property":"sku","op":"gt","value":1}]}}"""));
        Assert.True(s.Matches("""{"pixel":{"event":"add_to_cart","where":[{"property":"sku","op":"not_in","value":[29]}]}}"""));
        Assert.False(s.Matches("""{"pixel":{"event":"add_to_cart","where":[{"property":"absent","op":"contains","value":"x"}]}}"""));
        Assert.True(s.Matches("""{"pixel":{"event":"add_to_cart","where":[{"property":"absent","op":"not_contains","value":"x"}]}}"""));
    }

    [Fact]
    public void Conversion_value_is_the_sum_in_the_window_with_missing_values_as_zero()
    {
        var s = new Scenario()
            .EventAt(-Day, """{"kind":"conversion","name":"purchase","value":300}""")
            .EventAt(-2 * Day, """{"kind":"conversion","name":"purchase","value":250}""")
            .EventAt(-3 * Day, """{"kind":"conversion","name":"purchase"}""")
            .EventAt(-40 * Day, """{"kind":"conversion","name":"purchase","value":1000}""");
        Assert.True(s.Matches("""{"conversion":{"event":"purchase","within":"30d","value":{"op":"eq","value":550}}}"""));
        Assert.True(s.Matches("""{"conversion":{"within":"30d","count":{"op":"eq","value":3},"value":{"op":"gte","value":550}}}"""));
        Assert.False(s.Matches("""{"conversion":{"within":"30d","count":{"op":"eq","value":2},"value":{"op":"gte","value":550}}}"""));
        Assert.True(s.Matches("""{"conversion":{"value":{"op":"between","value":[1550,1550]}}}"""));
    }

    [Fact]
    public void Value_without_count_applies_alone_even_with_no_conversions() =>
        Assert.True(new Scenario().Matches("""{"conversion":{"value":{"op":"lt","value":100}}}"""));

    [Fact]
    public void Attribution_window_is_inclusive_at_seven_days()
    {
        var conversionAt = -Day;
        var exactly = new Scenario()
            .EventAt(conversionAt - 7 * Day, """{"name":"click","campaignId":"cmp-1"}""")
            .EventAt(conversionAt, """{"kind":"conversion","name":"purchase"}""");
        Assert.True(exactly.Matches("""{"conversion":{"campaign":"cmp-1"}}"""));
        var tooEarly = new Scenario()
            .EventAt(conversionAt - 7 * Day - TimeSpan.FromSeconds(1), """{"name":"click","campaignId":"cmp-1"}""")
            .EventAt(conversionAt, """{"kind":"conversion","name":"purchase"}""");
        Assert.False(tooEarly.Matches("""{"conversion":{"campaign":"any"}}"""));
        Assert.True(tooEarly.Matches("""{"not":{"conversion":{"campaign":"any"}}}"""));
    }

    [Fact]
    public void Attribution_prefers_the_carried_campaign_then_the_latest_click_with_ties_to_the_larger_id()
    {
        var carried = new Scenario()
            .EventAt(-2 * Day, """{"name":"click","campaignId":"cmp-1"}""")
            .EventAt(-Day, """{"kind":"conversion","name":"purchase","campaignId":"cmp-9"}""");
        Assert.True(carried.Matches("""{"conversion":{"campaign":"cmp-9"}}"""));
        Assert.False(carried.Matches("""{"conversion":{"campaign":"cmp-1"}}"""));

        var tie = new Scenario()
            .EventAt(-2 * Day, """{"id":"k2","name":"click","campaignId":"cmp-2"}""")
            .EventAt(-2 * Day, """{"id":"k1","name":"click","campaignId":"cmp-1"}""")
            .EventAt(-3 * Day, """{"id":"k9","name":"click","campaignId":"cmp-9"}""")
            .EventAt(-Day, """{"kind":"conversion","name":"purchase"}""");
        Assert.True(tie.Matches("""{"conversion":{"campaign":"cmp-2"}}"""));
    }

    [Fact]
    public void A_click_at_the_same_instant_as_the_conversion_attributes_it_but_a_later_one_does_not()
    {
        var same = new Scenario()
            .EventAt(-Day, """{"id":"zz","name":"click","campaignId":"cmp-1"}""")
            .EventAt(-Day, """{"id":"aa","kind":"conversion","name":"purchase"}""");
        Assert.True(same.Matches("""{"conversion":{"campaign":"cmp-1"}}"""));
        var later = new Scenario()
            .EventAt(-Day + TimeSpan.FromSeconds(1), """{"name":"click","campaignId":"cmp-1"}""")
            .EventAt(-Day, """{"kind":"conversion","name":"purchase"}""");
        Assert.False(later.Matches("""{"conversion":{"campaign":"cmp-1"}}"""));
    }

    [Fact]
    public void List_status_comes_from_the_record_or_an_unsubscribe_event_by_T()
    {
        var s = new Scenario()
            .Contact("""{"id":"c1","lists":{"newsletter":"subscribed","product":"unsubscribed"}}""")
            .EventAt(-Day, """{"name":"unsubscribe","properties":{"listId":"newsletter"}}""")
            .EventAt(-Day, """{"name":"unsubscribe","properties":{"listId":"offers"}}""");
        Assert.False(s.Matches("""{"list":{"id":"newsletter"}}"""));
        Assert.True(s.Matches("""{"list":{"id":"newsletter"}}""", Scenario.T - 2 * Day));
        Assert.True(s.Matches("""{"list":{"id":"product","status":"unsubscribed"}}"""));
        Assert.True(s.Matches("""{"list":{"id":"offers","status":"any"}}"""));
        Assert.False(s.Matches("""{"list":{"id":"offers","status":"any"}}""", Scenario.T - 2 * Day));
        Assert.True(s.Matches("""{"not":{"list":{"id":"elsewhere","status":"any"}}}"""));
    }

    [Fact]
    public void Geo_seen_last_tests_the_most_recent_event_and_any_tests_all()
    {
        var s = new Scenario()
            .EventAt(-3 * Day, """{"name":"open","geo":{"country":"DE","city":"Berlin"}}""")
            .EventAt(-2 * Day, """{"kind":"pixel","name":"page_view","geo":{"country":"FR"}}""")
            .EventAt(-Day, """{"name":"sent"}""");
        Assert.False(s.Matches("""{"geo":{"country":{"op":"eq","value":"de"}}}"""));
        Assert.True(s.Matches("""{"geo":{"country":{"op":"eq","value":"fr"}}}"""));
        Assert.True(s.Matches("""{"geo":{"country":{"op":"eq","value":"de"},"seen":"any"}}"""));
        Assert.False(s.Matches("""{"geo":{"country":{"op":"eq","value":"fr"},"city":{"op":"eq","value":"Berlin"},"seen":"any"}}"""));
        Assert.True(s.Matches("""{"geo":{"country":{"op":"eq","value":"fr"},"city":{"op":"not_exists"}}}"""));
        Assert.False(s.Matches("""{"geo":{"country":{"op":"eq","value":"de"},"within":"2d","seen":"any"}}"""));
    }

    [Fact]
    public void Device_last_ties_go_to_the_larger_event_id_and_no_context_is_false()
    {
        var s = new Scenario()
            .EventAt(-Day, """{"id":"b","name":"open","device":{"client":"Gmail","type":"mobile"}}""")
            .EventAt(-Day, """{"id":"a","name":"open","device":{"client":"Outlook","type":"desktop"}}""");
        Assert.True(s.Matches("""{"device":{"client":{"op":"eq","value":"gmail"}}}"""));
        Assert.False(new Scenario().EventAt(-Day, """{"name":"open"}""").Matches("""{"device":{"client":{"op":"not_exists"}}}"""));
        Assert.False(new Scenario().Matches("""{"device":{}}"""));
    }

    [Fact]
    public void Segment_references_evaluate_at_the_same_T()
    {
        var s = new Scenario()
            .Segment("buyers", """{"conversion":{"event":"purchase"}}""")
            .EventAt(-Day, """{"kind":"conversion","name":"purchase"}""");
        Assert.True(s.Matches("""{"segment":{"id":"buyers"}}"""));
        Assert.False(s.Matches("""{"segment":{"id":"buyers"}}""", Scenario.T - 2 * Day));
    }

    [Fact]
    public void Groups_combine_with_plain_two_valued_logic()
    {
        var s = new Scenario().Contact("""{"id":"c1","fields":{"plan":"Free"}}""");
        Assert.True(s.Matches("""{"or":[{"field":{"name":"mrr","op":"gt","value":1}},{"not":{"field":{"name":"mrr","op":"gt","value":1}}}]}"""));
        Assert.True(s.Matches("""{"and":[{"field":{"name":"plan","op":"eq","value":"free"}},{"not":{"and":[{"field":{"name":"vip","op":"eq","value":true}}]}}]}"""));
    }
}
