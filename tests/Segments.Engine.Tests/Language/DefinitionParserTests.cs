using Segments.Engine.Language;

namespace Segments.Engine.Tests.Language;

public class DefinitionParserTests
{
    private static IReadOnlyList<ValidationError> Errors(string match, string head = "\"id\":\"s\",\"name\":\"S\"") =>
        DefinitionParser.Parse($"{{{head},\"match\":{match}}}", Scenario.Schema).Errors;

    private static ValidationError Single(string match)
    {
        var errors = Errors(match);
        Assert.True(errors.Count == 1, string.Join("\n", errors));
        return errors[0];
    }

    [Theory]
    [InlineData("""{"field":{"name":"plan","op":"gt","value":1}}""", "$.match.field.op", "operator 'gt' is not valid for text field 'plan'; use one of exists, not_exists, eq, neq")]
    [InlineData("""{"field":{"name":"nope","op":"eq","value":1}}""", "$.match.field.name", "unknown field 'nope'")]
    [InlineData("""{"field":{"name":"mrr","op":"gt","value":"500"}}""", "$.match.field.value", "takes a number")]
    [InlineData("""{"field":{"name":"mrr","op":"gt"}}""", "$.match.field", "'gt' needs a 'value'")]
    [InlineData("""{"field":{"name":"mrr","op":"exists","value":1}}""", "$.match.field.value", "takes no value")]
    [InlineData("""{"field":{"name":"mrr","op":"between","value":[5]}}""", "$.match.field.value", "[low, high]")]
    [InlineData("""{"field":{"name":"mrr","op":"between","value":[9,5]}}""", "$.match.field.value", "low ≤ high")]
    [InlineData("""{"field":{"name":"plan","op":"in","value":["a",1]}}""", "$.match.field.value[1]", "array of strings")]
    [InlineData("""{"field":{"name":"trial_ends","op":"before","value":"tomorrow"}}""", "$.match.field.value", "is not a date")]
    [InlineData("""{"field":{"name":"trial_ends","op":"within_next","value":"7 days"}}""", "$.match.field.value", "is not a duration")]
    [InlineData("""{"field":{"name":"vip","op":"eq","value":"yes"}}""", "$.match.field.value", "true or false")]
    [InlineData("""{"engagement":{"event":"opened"}}""", "$.match.engagement.event", "unknown email event 'opened'")]
    [InlineData("""{"engagement":{"event":"open","within":"0d"}}""", "$.match.engagement.within", "is not a duration")]
    [InlineData("""{"engagement":{"event":"open","within":"3651d"}}""", "$.match.engagement.within", "3650 days")]
    [InlineData("""{"engagement":{"event":"open","count":{"op":"gte","value":1.5}}}""", "$.match.engagement.count.value", "whole numbers")]
    [InlineData("""{"engagement":{"event":"open","count":{"op":"in","value":[1]}}}""", "$.match.engagement.count.op", "not valid for 'count'")]
    [InlineData("""{"pixel":{"event":"page_view","where":[{"property":"path","op":"matches","value":"x"}]}}""", "$.match.pixel.where[0].op", "unknown property operator")]
    [InlineData("""{"pixel":{"where":[]}}""", "$.match.pixel", "'event' is required")]
    [InlineData("""{"conversion":{"value":{"op":"gte"}}}""", "$.match.conversion.value", "needs a 'value'")]
    [InlineData("""{"list":{"id":"n","status":"pending"}}""", "$.match.list.status", "not one of subscribed, unsubscribed, any")]
    [InlineData("""{"segment":{"id":"Bad Id"}}""", "$.match.segment.id", "not a valid segment id")]
    [InlineData("""{"geo":{"country":{"op":"gt","value":"DE"}}}""", "$.match.geo.country.op", "not valid for country")]
    [InlineData("""{"device":{"seen":"first"}}""", "$.match.device.seen", "\"last\"")]
    [InlineData("""{"and":[]}""", "$.match.and", "non-empty array")]
    [InlineData("""{"field":{"name":"plan","op":"eq","value":"x"},"or":[]}""", "$.match", "exactly one key")]
    [InlineData("""{"where":{}}""", "$.match", "unknown condition 'where'")]
    [InlineData("""{"field":{"name":"plan","op":"eq","value":"x","extra":1}}""", "$.match.field.extra", "unknown property 'extra'")]
    [InlineData("""[]""", "$.match", "a JSON object")]
    [InlineData("""{"everyone":{"all":true}}""", "$.match.everyone.all", "unknown property 'all'")]
    [InlineData("""{"everyone":true}""", "$.match.everyone", "a JSON object")]
    [InlineData("""{"bucket":{"seed":"","from":0,"to":9}}""", "$.match.bucket.seed", "1 to 64 characters")]
    [InlineData("""{"bucket":{"seed":"s","from":0,"to":100}}""", "$.match.bucket.to", "0 to 99")]
    [InlineData("""{"bucket":{"seed":"s","from":1.5,"to":9}}""", "$.match.bucket.from", "whole number")]
    [InlineData("""{"bucket":{"seed":"s","from":50,"to":9}}""", "$.match.bucket.to", "must not be below 'from'")]
    [InlineData("""{"bucket":{"seed":"s","to":9}}""", "$.match.bucket", "'from' is required")]
    [InlineData("""{"pixel":{"event":"x","seen":"first"}}""", "$.match.pixel.seen", "\"last\"")]
    [InlineData("""{"pixel":{"event":"x","seen":"last","count":{"op":"gte","value":2}}}""", "$.match.pixel.count", "does not go with")]
    [InlineData("""{"conversion":{"seen":"last","value":{"op":"gte","value":2}}}""", "$.match.conversion.value", "does not go with")]
    [InlineData("""{"engagement":{"event":"open","seen":"last"}}""", "$.match.engagement.seen", "unknown property 'seen'")]
    [InlineData("""{"engagement":{"event":"click","machineOpens":"include"}}""", "$.match.engagement.machineOpens", "only with the events open and engaged")]
    [InlineData("""{"engagement":{"event":"open","machineOpens":true}}""", "$.match.engagement.machineOpens", "\"include\"")]
    [InlineData("""{"pixel":{"event":"x","machineOpens":"include"}}""", "$.match.pixel.machineOpens", "unknown property")]
    [InlineData("""{"pixel":{"event":"x","where":[{"property":"product..price","op":"exists"}]}}""", "$.match.pixel.where[0].property", "empty name")]
    [InlineData("""{"pixel":{"event":"x","where":[{"property":"x[][]","op":"exists"}]}}""", "$.match.pixel.where[0].property", "'[]' comes once")]
    [InlineData("""{"pixel":{"event":"x","where":[{"property":"a[0].b","op":"exists"}]}}""", "$.match.pixel.where[0].property", "'[]' comes once")]
    [InlineData("""{"pixel":{"event":"x","where":[{"property":"a.b.c.d.e.f.g.h.i","op":"exists"}]}}""", "$.match.pixel.where[0].property", "at most 8 names")]
    [InlineData("""{"field":{"name":"interests","op":"eq","value":"ski"}}""", "$.match.field.op", "not valid for tags field 'interests'; use one of exists, not_exists, includes")]
    [InlineData("""{"field":{"name":"interests","op":"includes_any","value":[]}}""", "$.match.field.value", "non-empty array of strings")]
    [InlineData("""{"field":{"name":"interests","op":"includes","value":["ski"]}}""", "$.match.field.value", "takes a string")]
    [InlineData("""{"field":{"name":"plan","op":"includes","value":"x"}}""", "$.match.field.op", "not valid for text field")]
    public void Each_kind_of_error_names_its_path_and_what_to_do(string match, string path, string message)
    {
        var error = Single(match);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var errors = Errors("""{"and":[{"field":{"name":"plan","op":"gt","value":1}},{"engagement":{"event":"x"}},{"not":{"list":{}}}]}""");
        Assert.Equal(["$.match.and[0].field.op", "$.match.and[1].engagement.event", "$.match.and[2].not.list"], errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData("\"id\":\"-bad\",\"name\":\"S\"", "$.id")]
    [InlineData("\"id\":\"s\"", "$")]
    [InlineData("\"id\":\"s\",\"name\":\"  \"", "$.name")]
    [InlineData("\"id\":\"s\",\"name\":\"S\",\"color\":1", "$.color")]
    public void The_definition_head_is_checked(string head, string path) =>
        Assert.Contains(Errors("""{"list":{"id":"n"}}""", head), e => e.Path == path);

    [Fact]
    public void An_id_or_a_duration_with_a_trailing_newline_is_refused()
    {
        // A pattern's '$' also matches before a final newline: "s\n" passed as an id and broke headers and folder names.
        Assert.Contains(Errors("""{"list":{"id":"n"}}""", "\"id\":\"s\\n\",\"name\":\"S\""), e => e.Path == "$.id");
        Assert.Contains(Errors("""{"segment":{"id":"t\n"}}"""), e => e.Path == "$.match.segment.id");
        Assert.Contains(Errors("""{"engagement":{"event":"open","within":"7d\n"}}"""), e => e.Path == "$.match.engagement.within");
    }

    [Fact]
    public void Nesting_deeper_than_32_levels_is_refused()
    {
        string Nest(int levels) => levels == 0 ? """{"list":{"id":"n"}}""" : $"{{\"not\":{Nest(levels - 1)}}}";
        Assert.Empty(Errors(Nest(32)));
        Assert.Contains(Errors(Nest(33)), e => e.Message.Contains("at most 32 levels"));
    }

    [Fact]
    public void More_than_512_conditions_are_refused()
    {
        string Many(int n) => $"{{\"or\":[{string.Join(",", Enumerable.Repeat("""{"list":{"id":"n"}}""", n))}]}}";
        Assert.Empty(Errors(Many(511)));
        Assert.Contains(Errors(Many(512)), e => e.Message.Contains("at most 512"));
    }

    [Fact]
    public void Malformed_json_is_an_error_not_an_exception() =>
        Assert.Equal("$", DefinitionParser.Parse("{\"id\":", Scenario.Schema).Errors.Single().Path);
}

public class SegmentGraphTests
{
    [Fact]
    public void A_reference_to_a_missing_segment_is_refused_at_its_path()
    {
        var a = Scenario.Parse("a", """{"and":[{"list":{"id":"n"}},{"segment":{"id":"ghost"}}]}""");
        var error = Assert.Single(SegmentGraph.Check(a, []));
        Assert.Equal("$.match.and[1].segment.id", error.Path);
        Assert.Contains("'ghost' does not exist", error.Message);
    }

    [Fact]
    public void Direct_and_indirect_cycles_are_refused()
    {
        Assert.Contains("cycle", SegmentGraph.Check(Scenario.Parse("a", """{"segment":{"id":"a"}}"""), []).Single().Message);
        var b = Scenario.Parse("b", """{"segment":{"id":"c"}}""");
        var c = Scenario.Parse("c", """{"segment":{"id":"a"}}""");
        var a = Scenario.Parse("a", """{"segment":{"id":"b"}}""");
        Assert.Contains("a → b → c → a", SegmentGraph.Check(a, [b, c]).Single().Message);
    }

    [Fact]
    public void Reference_chains_deeper_than_8_are_refused()
    {
        var chain = new List<Engine.Language.SegmentDefinition> { Scenario.Parse("s0", """{"list":{"id":"n"}}""") };
        for (var i = 1; i <= 9; i++)
        {
            chain.Add(Scenario.Parse($"s{i}", "{\"segment\":{\"id\":\"s" + (i - 1) + "\"}}"));
        }
        Assert.Empty(SegmentGraph.Check(chain[8], chain));
        Assert.Contains("more than 8 deep", SegmentGraph.Check(chain[9], chain).Single().Message);
    }
}
