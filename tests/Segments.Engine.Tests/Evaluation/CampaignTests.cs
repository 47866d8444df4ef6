namespace Segments.Engine.Tests.Evaluation;

public class CampaignTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private const string ClickedLast = """{"engagement":{"event":"click","campaign":"last"}}""";

    [Fact]
    public void Campaign_id_limits_the_count_to_that_campaign()
    {
        var s = new Scenario().EventAt(-Day, """{"name":"open","campaignId":"cmp-1"}""");
        Assert.True(s.Matches("""{"engagement":{"event":"open","campaign":"cmp-1"}}"""));
        Assert.False(s.Matches("""{"engagement":{"event":"open","campaign":"CMP-1"}}"""));
    }

    [Fact]
    public void Last_is_the_campaign_of_the_most_recent_sent()
    {
        var s = new Scenario()
            .EventAt(-5 * Day, """{"name":"sent","campaignId":"a"}""")
            .EventAt(-4 * Day, """{"name":"click","campaignId":"a"}""")
            .EventAt(-2 * Day, """{"name":"sent","campaignId":"b"}""");
        Assert.False(s.Matches(ClickedLast));
        Assert.True(s.Matches(ClickedLast, Scenario.T - 3 * Day));
    }

    [Fact]
    public void Last_campaign_ties_go_to_the_larger_campaign_id()
    {
        var s = new Scenario()
            .EventAt(-2 * Day, """{"id":"z","name":"sent","campaignId":"cmp-10"}""")
            .EventAt(-2 * Day, """{"id":"a","name":"sent","campaignId":"cmp-9"}""")
            .EventAt(-Day, """{"name":"click","campaignId":"cmp-9"}""");
        // Ordinal: "cmp-9" > "cmp-10".
        Assert.True(s.Matches(ClickedLast));
    }

    [Fact]
    public void Last_without_any_sent_is_false_even_for_never()
    {
        var s = new Scenario().EventAt(-Day, """{"name":"click","campaignId":"a"}""");
        Assert.False(s.Matches(ClickedLast));
        Assert.False(s.Matches("""{"engagement":{"event":"click","campaign":"last","count":{"op":"eq","value":0}}}"""));
    }

    [Fact]
    public void Sent_after_T_does_not_count_as_last()
    {
        var s = new Scenario()
            .EventAt(-3 * Day, """{"name":"sent","campaignId":"a"}""")
            .EventAt(-2 * Day, """{"name":"click","campaignId":"a"}""")
            .EventAt(Day, """{"name":"sent","campaignId":"b"}""");
        Assert.True(s.Matches(ClickedLast));
    }
}
