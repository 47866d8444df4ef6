namespace Segments.Engine.Tests.Evaluation;

public class EventWindowTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private const string Opened30 = """{"engagement":{"event":"open","within":"30d"}}""";

    [Fact]
    public void Window_excludes_event_exactly_at_lower_edge() =>
        Assert.False(new Scenario().EventAt(-30 * Day, """{"name":"open"}""").Matches(Opened30));

    [Fact]
    public void Window_includes_event_one_second_after_lower_edge() =>
        Assert.True(new Scenario().EventAt(-30 * Day + TimeSpan.FromSeconds(1), """{"name":"open"}""").Matches(Opened30));

    [Fact]
    public void Window_includes_event_exactly_at_T() =>
        Assert.True(new Scenario().EventAt(TimeSpan.Zero, """{"name":"open"}""").Matches(Opened30));

    [Fact]
    public void Events_after_T_are_ignored_with_and_without_window()
    {
        var s = new Scenario().EventAt(TimeSpan.FromSeconds(1), """{"name":"open"}""");
        Assert.False(s.Matches(Opened30));
        Assert.False(s.Matches("""{"engagement":{"event":"open"}}"""));
        Assert.True(s.Matches("""{"engagement":{"event":"open","count":{"op":"eq","value":0}}}"""));
    }

    [Fact]
    public void As_of_in_the_past_sees_only_events_up_to_then()
    {
        var s = new Scenario().EventAt(-10 * Day, """{"name":"open"}""");
        Assert.False(s.Matches("""{"engagement":{"event":"open"}}""", Scenario.T - 11 * Day));
        Assert.True(s.Matches("""{"engagement":{"event":"open"}}""", Scenario.T - 10 * Day));
    }

    [Fact]
    public void Sub_second_as_of_compares_exactly_with_whole_second_events()
    {
        var s = new Scenario().EventAt(TimeSpan.Zero, """{"name":"open"}""");
        Assert.False(s.Matches("""{"engagement":{"event":"open"}}""", Scenario.T - TimeSpan.FromMilliseconds(1)));
        Assert.True(s.Matches("""{"engagement":{"event":"open"}}""", Scenario.T + TimeSpan.FromMilliseconds(999)));
    }

    [Theory]
    [InlineData("30m", 29, true)]
    [InlineData("30m", 30, false)]
    [InlineData("2h", 119, true)]
    [InlineData("1w", 7 * 24 * 60 - 1, true)]
    [InlineData("1w", 7 * 24 * 60, false)]
    public void Durations_in_minutes_hours_and_weeks(string within, int minutesAgo, bool expected) =>
        Assert.Equal(expected, new Scenario().EventAt(-TimeSpan.FromMinutes(minutesAgo), """{"name":"click"}""")
            .Matches($$$"""{"engagement":{"event":"click","within":"{{{within}}}"}}"""));

    [Theory]
    [InlineData("eq", 2, true)]
    [InlineData("eq", 3, false)]
    [InlineData("neq", 2, false)]
    [InlineData("gt", 1, true)]
    [InlineData("gt", 2, false)]
    [InlineData("gte", 2, true)]
    [InlineData("lt", 2, false)]
    [InlineData("lt", 3, true)]
    [InlineData("lte", 2, true)]
    public void Count_operators_compare_the_number_of_events(string op, int value, bool expected) =>
        Assert.Equal(expected, new Scenario()
            .EventAt(-Day, """{"name":"open"}""").EventAt(-2 * Day, """{"name":"open"}""").EventAt(-3 * Day, """{"name":"click"}""")
            .Matches("{\"engagement\":{\"event\":\"open\",\"count\":{\"op\":\"" + op + "\",\"value\":" + value + "}}}"));

    [Fact]
    public void Count_between_is_inclusive()
    {
        var s = new Scenario().EventAt(-Day, """{"name":"open"}""").EventAt(-2 * Day, """{"name":"open"}""");
        Assert.True(s.Matches("""{"engagement":{"event":"open","count":{"op":"between","value":[2,3]}}}"""));
        Assert.True(s.Matches("""{"engagement":{"event":"open","count":{"op":"between","value":[0,2]}}}"""));
        Assert.False(s.Matches("""{"engagement":{"event":"open","count":{"op":"between","value":[3,5]}}}"""));
    }

    [Fact]
    public void Never_in_window_is_count_eq_zero()
    {
        var s = new Scenario().EventAt(-61 * Day, """{"name":"open"}""");
        Assert.True(s.Matches("""{"engagement":{"event":"open","within":"60d","count":{"op":"eq","value":0}}}"""));
        Assert.False(s.Matches("""{"engagement":{"event":"open","within":"62d","count":{"op":"eq","value":0}}}"""));
    }

    [Fact]
    public void Engaged_is_an_open_or_a_click()
    {
        Assert.True(new Scenario().EventAt(-Day, """{"name":"click"}""").Matches("""{"engagement":{"event":"engaged"}}"""));
        Assert.True(new Scenario().EventAt(-Day, """{"name":"open"}""").Matches("""{"engagement":{"event":"engaged"}}"""));
        Assert.False(new Scenario().EventAt(-Day, """{"name":"sent"}""").Matches("""{"engagement":{"event":"engaged"}}"""));
    }

    [Fact]
    public void Duplicate_deliveries_count_once()
    {
        var s = new Scenario()
            .EventAt(-Day, """{"id":"x1","name":"open"}""")
            .EventAt(-Day, """{"id":"x1","name":"open"}""")
            .EventAt(-Day, """{"id":"x1","name":"open"}""");
        Assert.True(s.Matches("""{"engagement":{"event":"open","count":{"op":"eq","value":1}}}"""));
    }

    [Fact]
    public void Distinct_events_with_identical_content_both_count()
    {
        var s = new Scenario().EventAt(-Day, """{"id":"x1","name":"open"}""").EventAt(-Day, """{"id":"x2","name":"open"}""");
        Assert.True(s.Matches("""{"engagement":{"event":"open","count":{"op":"eq","value":2}}}"""));
    }

    [Fact]
    public void Event_names_compare_case_insensitively()
    {
        var s = new Scenario().EventAt(-Day, """{"kind":"pixel","name":"Add_To_Cart"}""").EventAt(-Day, """{"name":"OPEN"}""");
        Assert.True(s.Matches("""{"pixel":{"event":"add_to_cart"}}"""));
        Assert.True(s.Matches("""{"engagement":{"event":"open"}}"""));
        Assert.True(s.Matches("""{"engagement":{"event":"Open"}}"""));
    }
}
