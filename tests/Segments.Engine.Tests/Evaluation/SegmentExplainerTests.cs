using CsCheck;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Offline;
using Segments.Engine.Tests.Documents;
using Segments.Engine.Tests.Reference;

namespace Segments.Engine.Tests.Evaluation;

/// <summary>
/// The explanation gives the verdict the engine gives, for every contact and segment, with the evidence it decided on;
/// on random data it agrees with the brute-force evaluator too, at the root and at every referenced segment.
/// </summary>
public class SegmentExplainerTests
{
    private static readonly string SeedFolder = Path.Combine(AppContext.BaseDirectory, "data", "seed-audiences");
    private static readonly DateTimeOffset SeedAsOf = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Every_seed_contact_s_explanation_of_every_seed_segment_gives_the_expected_verdict()
    {
        var data = DataSet.Load(SeedFolder);
        var set = new SegmentSet(data.Definitions);
        foreach (var (segment, _, members) in SeedExampleTests.Expected().Select(row => ((string)row[0], (int)row[1], (string[])row[2])))
        {
            foreach (var contact in data.Contacts)
            {
                var explanation = SegmentExplainer.Explain(set, segment, contact, SeedAsOf);
                Assert.True(members.Contains(contact.Id) == explanation.Member, $"{segment}, {contact.Id}");
                Assert.Equal(set[segment].Matches(contact, new AsOf(SeedAsOf)), explanation.Member);
                Assert.Equal(explanation.Member, explanation.Match.Result);
            }
        }
    }

    [Fact]
    public void On_random_data_the_explanation_and_every_referenced_segment_in_it_agree_with_brute_force()
    {
        Gen.Int[1, 1_000_000].Sample(seed =>
        {
            var data = RandomDataSet.Generate(seed, contacts: 60, definitions: 25);
            var loaded = RandomDataSets.Load(data);
            var set = new SegmentSet(loaded.Definitions);
            var reference = new BruteForceEvaluator(data.Schema, data.Contacts, data.Events, data.Definitions);
            foreach (var at in new[] { data.AsOf, data.AsOf.AddDays(-45), data.AsOf.AddSeconds(0.5) })
            {
                var members = loaded.Definitions.ToDictionary(d => d.Id, d => reference.Members(d.Id, at).ToHashSet(StringComparer.Ordinal));
                foreach (var definition in loaded.Definitions)
                {
                    foreach (var contact in loaded.Contacts)
                    {
                        var explanation = SegmentExplainer.Explain(set, definition.Id, contact, at);
                        foreach (var (segment, result) in Segments(explanation))
                        {
                            Assert.True(members[segment].Contains(contact.Id) == result,
                                $"seed {seed}, {segment} (explaining {definition.Id}), contact {contact.Id} at {at:O}");
                        }
                    }
                }
            }
        }, iter: 3, threads: 1);
    }

    [Fact]
    public void The_evidence_names_the_field_value_the_events_counted_the_list_status_and_the_referenced_segment()
    {
        var data = DataSet.Load(SeedFolder);
        var set = new SegmentSet(data.Definitions);
        var contact = data.Contacts.Single(c => c.Id == "c01");

        foreach (var segment in data.Definitions.Select(d => d.Id))
        {
            var explanation = SegmentExplainer.Explain(set, segment, contact, SeedAsOf);
            foreach (var node in Nodes(explanation.Match))
            {
                switch (node.Condition)
                {
                    case "field":
                        Assert.Equal(contact.GetField(node.Field!.Name).ToPlain(), node.Field.Value);
                        break;
                    case "engagement" or "pixel" or "conversion":
                        var events = node.Events!;
                        Assert.Equal(node.Result, events.Result);
                        Assert.True(events.Events.Count == Math.Min(events.Count, EventEvidence.Listed));
                        Assert.All(events.Events, e => Assert.Contains(contact.Events, f => f.Id == e.Id && f.At == e.At.UtcTicks));
                        Assert.All(events.Events, e => Assert.True(e.At <= SeedAsOf && (events.From is null || e.At > events.From)));
                        break;
                    case "list":
                        Assert.Equal(contact.ListStatusAt(node.List!.List, SeedAsOf.UtcTicks), node.List.Status);
                        break;
                    case "segment":
                        Assert.Equal(set[node.Segment!.Segment].Matches(contact, new AsOf(SeedAsOf)), node.Result);
                        break;
                }
            }
        }
    }

    [Fact]
    public void Every_condition_is_explained_with_its_path_in_the_definition()
    {
        var data = DataSet.Load(SeedFolder);
        var set = new SegmentSet(data.Definitions);
        var explanation = SegmentExplainer.Explain(set, "win-back", data.Contacts[0], SeedAsOf);

        var and = explanation.Match;
        Assert.Equal(("and", "$.match"), (and.Condition, and.Path));
        Assert.Equal(["$.match.and[0]", "$.match.and[1]"], and.Conditions!.Select(c => c.Path));
        Assert.Equal("$.match.and[1].not", and.Conditions![1].Conditions!.Single().Path);
        Assert.Equal("segment", explanation.Match.Conditions![0].Condition);
        Assert.Equal("customers", explanation.Match.Conditions[0].Segment!.Segment);
    }

    private static IEnumerable<Explanation> Nodes(Explanation node) =>
        new[] { node }.Concat((node.Conditions ?? []).SelectMany(Nodes)).Concat(node.Segment is { } s ? Nodes(s.Match) : []);

    /// <summary>The explained segment and every segment referenced in it, each with the verdict the explanation gives it.</summary>
    private static IEnumerable<(string Segment, bool Result)> Segments(SegmentExplanation explanation) =>
        new[] { (explanation.Segment, explanation.Member) }.Concat(Nodes(explanation.Match).Where(n => n.Segment is not null)
            .SelectMany(n => Segments(n.Segment!)));
}
