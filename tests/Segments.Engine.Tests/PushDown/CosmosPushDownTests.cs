using Segments.Engine.Language;
using Segments.Engine.Model;
using Segments.Engine.PushDown;

namespace Segments.Engine.Tests.PushDown;

/// <summary>The shape of compiled filters; what they select is checked against the language on the Cosmos server (PushDownDifferentialTests).</summary>
public class CosmosPushDownTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static PushDownCondition Parse(string match)
    {
        var schema = new FieldSchema(new Dictionary<string, FieldType> { ["plan"] = FieldType.Text, ["mrr"] = FieldType.Number });
        var (definition, errors) = DefinitionParser.Parse($$"""{"id":"s","name":"s","match":{{match}}}""", schema);
        Assert.True(definition is not null, string.Join("; ", errors));
        return new PushDownCondition(definition.Match, T);
    }

    [Fact]
    public void Values_travel_as_parameters_never_in_the_query_text()
    {
        var filter = CosmosPushDown.Compile(Parse("""{"or":[{"field":{"name":"plan","op":"eq","value":"x' OR 1=1 --"}},{"list":{"id":"a\"b"}}]}"""), "c.doc");

        Assert.DoesNotContain("1=1", filter.Sql);
        Assert.DoesNotContain("a\"b", filter.Sql);
        Assert.Contains(filter.Parameters, p => Equals(p.Value, "X' OR 1=1 --"));
        Assert.Contains(filter.Parameters, p => Equals(p.Value, "a\"b"));
        Assert.All(filter.Parameters, p => Assert.Contains(p.Key, filter.Sql));
    }

    [Fact]
    public void A_negated_event_condition_has_no_exact_filter_and_lets_everyone_through()
    {
        Assert.True(CosmosPushDown.Compile(Parse("""{"not":{"engagement":{"event":"open","within":"60d"}}}"""), "c").IsEverything);
    }

    [Fact]
    public void A_negated_exact_condition_still_filters()
    {
        var filter = CosmosPushDown.Compile(Parse("""{"not":{"field":{"name":"mrr","op":"gt","value":500}}}"""), "c");

        Assert.False(filter.IsEverything);
        Assert.StartsWith("(NOT ", filter.Sql);
    }

    [Fact]
    public void An_or_with_one_unfilterable_branch_lets_everyone_through_and_an_and_keeps_the_other_branch()
    {
        const string Field = """{"field":{"name":"plan","op":"eq","value":"pro"}}""";
        const string Never = """{"engagement":{"event":"open","count":{"op":"eq","value":0}}}""";

        Assert.True(CosmosPushDown.Compile(Parse($$"""{"or":[{{Field}},{{Never}}]}"""), "c").IsEverything);
        Assert.Equal(CosmosPushDown.Compile(Parse(Field), "c").Sql, CosmosPushDown.Compile(Parse($$"""{"and":[{{Field}},{{Never}}]}"""), "c").Sql);
    }

    [Fact]
    public void Windows_bound_the_newest_event_by_T()
    {
        var filter = CosmosPushDown.Compile(Parse("""{"engagement":{"event":"open","within":"30d"}}"""), "c.doc");

        Assert.Contains("c.doc.newestAt", filter.Sql);
        Assert.Contains(filter.Parameters, p => Equals(p.Value, (T.UtcTicks - TimeSpan.FromDays(30).Ticks).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void A_bare_condition_compiles_without_time_bounds()
    {
        var (definition, _) = DefinitionParser.Parse("""{"id":"s","name":"s","match":{"engagement":{"event":"open","within":"30d"}}}""", FieldSchema.Empty);

        var filter = CosmosPushDown.Compile(new PushDownCondition(definition!.Match, AsOf: null), "c");

        Assert.DoesNotContain("newestAt", filter.Sql);
        Assert.Contains("c.infos", filter.Sql);
    }
}
