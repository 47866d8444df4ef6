using System.Text.Json.Nodes;
using Segments.Console.Api;

namespace Segments.Console.Definitions;

/// <summary>
/// A condition as the builder edits it: a group (<c>and</c>/<c>or</c>), a <c>not</c>, or a leaf whose body is the JSON
/// object under its key, edited in place. Keeping leaves as JSON makes the JSON view round-trip exactly (key order,
/// properties the builder has no control for), and leaves the language's rules to the one validator, the API's.
/// </summary>
public abstract class ConditionNode
{
    /// <summary>The problems the API reported at this condition, each with the rest of its JSON path (<c>$</c> is the condition's body).</summary>
    public List<ProblemError> Problems { get; } = [];

    public abstract JsonObject ToJson();

    public abstract IEnumerable<ConditionNode> Children { get; }

    public IEnumerable<ConditionNode> SelfAndDescendants() => Children.SelectMany(c => c.SelfAndDescendants()).Prepend(this);

    /// <summary>Reads a condition; a problem names the JSON path of what cannot be one.</summary>
    public static ConditionNode Parse(JsonNode? json, string path)
    {
        if (json is not JsonObject obj || obj.Count != 1)
        {
            throw new DefinitionFormatException(path, "a condition is a JSON object with exactly one key");
        }
        var (key, value) = obj.First();
        switch (key)
        {
            case "and" or "or":
                if (value is not JsonArray items)
                {
                    throw new DefinitionFormatException($"{path}.{key}", $"'{key}' takes an array of conditions");
                }
                var group = new GroupNode(key == "and" ? GroupOperator.And : GroupOperator.Or);
                group.Items.AddRange(items.Select((item, i) => Parse(item, $"{path}.{key}[{i}]")));
                return group;
            case "not":
                return new NotNode(Parse(value, $"{path}.not"));
            default:
                if (value is not JsonObject body)
                {
                    throw new DefinitionFormatException($"{path}.{key}", $"'{key}' takes an object");
                }
                return new LeafNode(key, (JsonObject)body.DeepClone());
        }
    }
}

public enum GroupOperator
{
    And,
    Or,
}

public sealed class GroupNode(GroupOperator op) : ConditionNode
{
    public GroupOperator Operator { get; set; } = op;

    public List<ConditionNode> Items { get; } = [];

    public string Key => Operator == GroupOperator.And ? "and" : "or";

    public override IEnumerable<ConditionNode> Children => Items;

    public override JsonObject ToJson() => new() { [Key] = new JsonArray([.. Items.Select(i => (JsonNode)i.ToJson())]) };
}

public sealed class NotNode(ConditionNode inner) : ConditionNode
{
    public ConditionNode Inner { get; set; } = inner;

    public override IEnumerable<ConditionNode> Children => [Inner];

    public override JsonObject ToJson() => new() { ["not"] = Inner.ToJson() };
}

/// <summary>A condition of one kind (<c>field</c>, <c>pixel</c>, …) with its body; an unknown key is kept as written for the API to name.</summary>
public sealed class LeafNode(string key, JsonObject body) : ConditionNode
{
    public string Key { get; } = key;

    public JsonObject Body { get; } = body;

    public ConditionKind? Kind => ConditionKinds.Find(Key);

    public override IEnumerable<ConditionNode> Children => [];

    public override JsonObject ToJson() => new() { [Key] = Body.DeepClone() };
}

public sealed class DefinitionFormatException(string path, string message) : Exception($"{path}: {message}")
{
    public string Path { get; } = path;
}
