using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Segments.Engine.Language;

namespace Segments.Engine.Tests.Language;

/// <summary>The published JSON Schema of the definition format stays true to the parser.</summary>
public class DefinitionSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "schemas", "segment-definition.schema.json"));

    private static bool SchemaAccepts(JsonNode definition) =>
        Schema.Evaluate(JsonDocument.Parse(definition.ToJsonString()).RootElement).IsValid;

    private static bool ParserAccepts(JsonNode definition) =>
        DefinitionParser.Parse(definition.ToJsonString(), Scenario.Schema).Errors.Count == 0;

    [Fact]
    public void Every_seed_definition_is_valid_against_the_schema()
    {
        var seeds = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "seed-audiences", "segments.json")))!.AsArray();
        Assert.All(seeds, d => Assert.True(SchemaAccepts(d!), d!.ToJsonString()));
    }

    [Fact]
    public void Every_random_valid_definition_is_valid_against_the_schema()
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            foreach (var definition in RandomDataSet.Generate(seed, contacts: 5, definitions: 40).Definitions)
            {
                Assert.True(SchemaAccepts(definition), definition.ToJsonString());
            }
        }
    }

    [Fact]
    public void The_schema_names_every_condition_key_and_operator_the_parser_knows()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schemas", "segment-definition.schema.json"));
        foreach (var word in DefinitionParser.ConditionKeys
                     .Concat(DefinitionParser.FieldOperators.Values.SelectMany(o => o))
                     .Concat(DefinitionParser.CountOperators)
                     .Concat(DefinitionParser.EngagementEvents))
        {
            Assert.Contains($"\"{word}\"", text);
        }
    }

    [Theory]
    [InlineData("""{"id":"s","name":"S","match":{"nope":{}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"and":[]}}""")]
    [InlineData("""{"id":"S!","name":"S","match":{"list":{"id":"n"}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"list":{"id":"n"},"not":{"list":{"id":"n"}}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"engagement":{"event":"opened"}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"engagement":{"event":"open","within":"30 days"}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"engagement":{"event":"open","count":{"op":"gte","value":-1}}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"pixel":{"event":"x","where":[{"property":"p","op":"exists","value":1}]}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"geo":{"country":{"op":"gt","value":"DE"}}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"list":{"id":"n","status":"pending"}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"field":{"name":"mrr","op":"gt","value":"1"}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"field":{"name":"mrr","op":"gt"}}}""")]
    [InlineData("""{"id":"s","match":{"list":{"id":"n"}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"everyone":{"x":1}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"bucket":{"seed":"s","from":0,"to":100}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"pixel":{"event":"x","seen":"last","count":{"op":"gte","value":2}}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"engagement":{"event":"click","machineOpens":"include"}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"pixel":{"event":"x","where":[{"property":"a..b","op":"exists"}]}}}""")]
    [InlineData("""{"id":"s","name":"S","match":{"field":{"name":"interests","op":"includes_all","value":[]}}}""")]
    public void What_the_schema_refuses_the_parser_refuses_too(string json)
    {
        var definition = JsonNode.Parse(json)!;
        Assert.False(SchemaAccepts(definition));
        Assert.False(ParserAccepts(definition));
    }
}
