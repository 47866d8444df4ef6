using Segments.Engine.Evaluation;
using Segments.Engine.Tests.Documents;

namespace Segments.Engine.Tests.Reference;

/// <summary>
/// The engine (load, fold, compile, evaluate over folded documents) against the deliberately simple
/// brute-force evaluation over raw events, on seeded random data sets that aim at the language's edges.
/// </summary>
public class DifferentialTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Folded_evaluation_equals_brute_force_over_raw_events(int seed)
    {
        var data = RandomDataSet.Generate(seed, contacts: 150, definitions: 30);
        var loaded = RandomDataSets.Load(data);
        var engine = new SegmentSet(loaded.Definitions);
        var reference = new BruteForceEvaluator(data.Schema, data.Contacts, data.Events, data.Definitions);
        foreach (var at in new[] { data.AsOf, data.AsOf.AddDays(-30), data.AsOf.AddSeconds(0.5) })
        {
            foreach (var definition in data.Definitions)
            {
                var id = definition["id"]!.GetValue<string>();
                var expected = reference.Members(id, at);
                var actual = engine[id].Members(loaded.Contacts, at);
                Assert.True(expected.SequenceEqual(actual),
                    $"seed {seed}, segment {id} at {at:O}: {definition.ToJsonString()}\n" +
                    $"only brute force: {string.Join(",", expected.Except(actual))}\nonly engine: {string.Join(",", actual.Except(expected))}");
            }
        }
    }

    [Fact]
    public void Reordered_and_repeated_deliveries_fold_to_the_same_answers()
    {
        var data = RandomDataSet.Generate(42, contacts: 100, definitions: 30);
        var shuffled = data with { Events = [.. data.Events.AsEnumerable().Reverse().Concat(data.Events.Take(200))] };
        var a = RandomDataSets.Load(data);
        var b = RandomDataSets.Load(shuffled);
        var setA = new SegmentSet(a.Definitions);
        var setB = new SegmentSet(b.Definitions);
        foreach (var definition in a.Definitions)
        {
            Assert.Equal(setA[definition.Id].Members(a.Contacts, data.AsOf), setB[definition.Id].Members(b.Contacts, data.AsOf));
        }
    }
}
