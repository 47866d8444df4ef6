using Segments.Engine.Evaluation;
using Segments.Engine.Tests.Documents;
using Segments.Engine.Tests.Reference;

namespace Segments.Engine.Tests.Evaluation;

public class TimeEdgesTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public void A_last_open_ageing_past_60_days_is_the_next_edge_of_win_back()
    {
        var s = new Scenario()
            .Segment("customers", """{"conversion":{"event":"purchase"}}""")
            .EventAt(-100 * Day, """{"kind":"conversion","name":"purchase"}""")
            .EventAt(-50 * Day, """{"name":"open"}""");
        var winBack = Scenario.Parse("win-back", """{"and":[{"segment":{"id":"customers"}},{"not":{"engagement":{"event":"open","within":"60d"}}}]}""");
        var definitions = new[] { winBack, Scenario.Parse("customers", """{"conversion":{"event":"purchase"}}""") }.ToDictionary(d => d.Id);
        var document = s.Document();

        var edge = TimeEdges.Of(winBack, definitions).Next(document, Scenario.T);

        Assert.Equal(Scenario.T + 10 * Day, edge);
        var set = new SegmentSet(definitions.Values);
        Assert.False(set["win-back"].Matches(document, new AsOf(edge!.Value - TimeSpan.FromTicks(1))));
        Assert.True(set["win-back"].Matches(document, new AsOf(edge.Value)));
    }

    [Fact]
    public void Relative_date_fields_have_edges_where_the_operator_flips()
    {
        var contact = """{"id":"c1","fields":{"trial_ends":"2026-11-30"}}""";
        var definition = Scenario.Parse("ending", """{"field":{"name":"trial_ends","op":"within_next","value":"7d"}}""");
        var edges = TimeEdges.Of(definition, new Dictionary<string, Engine.Language.SegmentDefinition>());
        var document = new Scenario().Contact(contact).Document();
        var trialEnds = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(trialEnds - 7 * Day, edges.Next(document, Scenario.T - 10 * Day));
        Assert.Equal(trialEnds + TimeSpan.FromTicks(1), edges.Next(document, Scenario.T));
        Assert.Null(edges.Next(document, trialEnds + Day));
    }

    [Fact]
    public void A_relative_date_segment_has_no_edges_at_the_contacts_events()
    {
        var definition = Scenario.Parse("ending", """{"field":{"name":"trial_ends","op":"within_next","value":"7d"}}""");
        var edges = TimeEdges.Of(definition, new Dictionary<string, Engine.Language.SegmentDefinition>());
        var document = new Scenario()
            .Contact("""{"id":"c1","fields":{"trial_ends":"2026-11-30"}}""")
            .EventAt(-8 * Day, """{"name":"open"}""")
            .Document();
        var trialEnds = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(trialEnds - 7 * Day, edges.Next(document, Scenario.T - 10 * Day));
    }

    [Fact]
    public void Segments_on_profile_fields_alone_are_timeless() =>
        Assert.True(TimeEdges.Of(Scenario.Parse("pro", """{"field":{"name":"plan","op":"eq","value":"pro"}}"""),
            new Dictionary<string, Engine.Language.SegmentDefinition>()).IsTimeless);

    [Theory]
    [InlineData("""{"engagement":{"event":"open"}}""")]
    [InlineData("""{"pixel":{"event":"page_view","within":"7d"}}""")]
    [InlineData("""{"list":{"id":"news","status":"subscribed"}}""")]
    [InlineData("""{"field":{"name":"trial_ends","op":"within_next","value":"7d"}}""")]
    [InlineData("""{"and":[{"field":{"name":"plan","op":"eq","value":"pro"}},{"conversion":{"event":"purchase"}}]}""")]
    [InlineData("""{"segment":{"id":"buyers"}}""")]
    public void Segments_on_events_lists_or_relative_dates_are_not_timeless(string match)
    {
        var definitions = new[] { Scenario.Parse("buyers", """{"conversion":{"event":"purchase"}}""") }.ToDictionary(d => d.Id);

        Assert.False(TimeEdges.Of(Scenario.Parse("s", match), definitions).IsTimeless);
    }

    [Fact]
    public void A_reference_to_a_segment_not_in_the_catalog_adds_no_edges() =>
        Assert.True(TimeEdges.Of(Scenario.Parse("s", """{"segment":{"id":"gone"}}"""), new Dictionary<string, Engine.Language.SegmentDefinition>()).IsTimeless);

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Membership_never_changes_between_a_contact_and_its_next_edge(int seed)
    {
        var data = RandomDataSet.Generate(seed, contacts: 40, definitions: 25);
        var loaded = RandomDataSets.Load(data);
        var set = new SegmentSet(loaded.Definitions);
        var byId = loaded.Definitions.ToDictionary(d => d.Id);
        var random = new Random(seed);
        foreach (var definition in loaded.Definitions)
        {
            var edges = TimeEdges.Of(definition, byId);
            foreach (var contact in loaded.Contacts)
            {
                var t = data.AsOf - TimeSpan.FromDays(random.Next(0, 60));
                var member = set[definition.Id].Matches(contact, new AsOf(t));
                var next = edges.Next(contact, t) ?? t + TimeSpan.FromDays(400);
                foreach (var probe in new[] { next - TimeSpan.FromTicks(1), t + (next - t) / 2, t + (next - t) / 3 })
                {
                    Assert.True(member == set[definition.Id].Matches(contact, new AsOf(probe)),
                        $"{definition.Id} for {contact.Id}: {member} at {t:O} but not at {probe:O}, before the next edge {next:O}");
                }
            }
        }
    }
}
