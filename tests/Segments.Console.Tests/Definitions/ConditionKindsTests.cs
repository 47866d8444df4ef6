using System.Text.Json.Nodes;
using Segments.Console.Definitions;

namespace Segments.Console.Tests.Definitions;

public class ConditionKindsTests
{
    /// <summary>The definition's JSON Schema (schemas/ at the repository root) is the language's list of conditions.</summary>
    private static JsonNode Schema() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "schemas", "segment-definition.schema.json")))!;

    [Fact]
    public void The_builder_has_controls_for_every_leaf_condition_of_the_schema()
    {
        var keys = Schema()["$defs"]!["condition"]!["oneOf"]!.AsArray().Select(c => c!["required"]![0]!.GetValue<string>());

        var missing = keys.Except(["and", "or", "not"]).Where(key => ConditionKinds.Find(key) is null).ToList();

        Assert.True(missing.Count == 0, $"no controls for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_kind_starts_from_a_body_that_reads_back_as_that_kind()
    {
        foreach (var kind in ConditionKinds.All)
        {
            var node = ConditionNode.Parse(new JsonObject { [kind.Key] = kind.NewBody() }, "$.match");

            Assert.Equal(kind.Kind, Assert.IsType<LeafNode>(node).Kind);
        }
    }

    [Fact]
    public void A_field_is_offered_the_operators_of_its_type_and_presence()
    {
        Assert.Equal(["exists", "not_exists", "eq", "neq", "gt", "gte", "lt", "lte", "between", "in", "not_in"], Operators.ForFieldType("number"));
        Assert.Contains("within_last", Operators.ForFieldType("date"));
        Assert.DoesNotContain("contains", Operators.ForFieldType("date"));
        Assert.Equal(["exists", "not_exists", "includes", "not_includes", "includes_any", "includes_all"], Operators.ForFieldType("tags"));
        Assert.Equal(["exists", "not_exists"], Operators.ForFieldType(null));
    }
}
