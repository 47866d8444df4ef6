using System.Text.Json;
using System.Text.Json.Nodes;
using Segments.Console.Api;

namespace Segments.Console.Definitions;

/// <summary>
/// A definition being edited: its top-level properties as written (<c>id</c>, <c>name</c>, <c>description</c>, any other)
/// and its <c>match</c> as a tree. <see cref="ToJson"/> puts the tree back in <c>match</c>'s place.
/// </summary>
public sealed class SegmentDraft
{
    private readonly JsonObject _document;

    private SegmentDraft(JsonObject document, ConditionNode? match)
    {
        _document = document;
        Match = match;
    }

    public ConditionNode? Match { get; set; }

    /// <summary>Problems the API reported outside <c>match</c> (<c>$.id</c>, <c>$.name</c>, …) or on no condition it has.</summary>
    public List<ProblemError> Problems { get; } = [];

    public string Id
    {
        get => _document["id"]?.GetValue<string>() ?? "";
        set => _document["id"] = value;
    }

    public string Name
    {
        get => _document["name"]?.GetValue<string>() ?? "";
        set => _document["name"] = value;
    }

    public string Description
    {
        get => _document["description"]?.GetValue<string>() ?? "";
        set
        {
            if (string.IsNullOrEmpty(value))
            {
                _document.Remove("description");
            }
            else
            {
                _document["description"] = value;
            }
        }
    }

    public static SegmentDraft New() =>
        new(new JsonObject { ["id"] = "", ["name"] = "", ["match"] = null }, new GroupNode(GroupOperator.And));

    /// <summary>Reads a definition (the JSON view, or a saved segment); a problem names the JSON path of what cannot be read.</summary>
    public static SegmentDraft Parse(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new DefinitionFormatException("$", $"not JSON: {e.Message}");
        }
        if (node is not JsonObject document)
        {
            throw new DefinitionFormatException("$", "a definition is a JSON object");
        }
        var match = document.ContainsKey("match") ? ConditionNode.Parse(document["match"], "$.match") : null;
        return new SegmentDraft((JsonObject)document.DeepClone(), match);
    }

    public JsonObject ToJson()
    {
        var json = (JsonObject)_document.DeepClone();
        if (Match is not null)
        {
            json["match"] = Match.ToJson();
        }
        else
        {
            json.Remove("match");
        }
        return json;
    }

    public string ToJsonText() => ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Puts each problem at the condition its JSON path points into (the deepest one), the rest on the definition.</summary>
    public void Attach(IEnumerable<ProblemError> problems)
    {
        Problems.Clear();
        foreach (var node in Match?.SelfAndDescendants() ?? [])
        {
            node.Problems.Clear();
        }
        foreach (var problem in problems)
        {
            if (Match is not null && ProblemPaths.Locate(Match, problem.Path) is { } located)
            {
                located.Node.Problems.Add(problem with { Path = located.Inner });
            }
            else
            {
                Problems.Add(problem);
            }
        }
    }
}
