using System.Text.Json;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Input;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.TestSupport.Scenarios;

/// <summary>
/// A one-contact world for boundary tests: a profile, events written as compact JSON lines, a schema,
/// and helpers to ask whether a condition holds at T (the engine's tests, and the application's decisions on a folded contact).
/// </summary>
public sealed class Scenario
{
    public static readonly DateTimeOffset T = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static readonly FieldSchema Schema = InputReader.ReadSchema(JsonDocument.Parse(
        """{"fields":{"plan":"text","mrr":"number","trial_ends":"date","vip":"boolean","company":"text","interests":"tags"}}""").RootElement).Schema!;

    private readonly List<ContactEvent> _events = [];
    private string _contact = """{"id":"c1","email":"a@example.com"}""";
    private readonly List<SegmentDefinition> _others = [];
    private FoldOptions _fold = new();

    /// <summary>Folds with these options (a short horizon compacts the older events into totals).</summary>
    public Scenario Folding(FoldOptions options)
    {
        _fold = options;
        return this;
    }

    public Scenario Contact(string json)
    {
        _contact = json;
        return this;
    }

    /// <summary>An event in the offline shape; <c>id</c>, <c>contactId</c> and <c>kind</c> are filled in when absent.</summary>
    public Scenario Event(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node["id"] ??= $"e{_events.Count + 1:D3}";
        node["contactId"] ??= "c1";
        node["kind"] ??= "email";
        var (e, errors) = InputReader.ReadEvent(JsonDocument.Parse(node.ToJsonString()).RootElement);
        Assert.True(errors.Count == 0, string.Join("; ", errors));
        _events.Add(e!);
        return this;
    }

    /// <summary>An event at an offset from T, e.g. <c>At(-TimeSpan.FromDays(30), ...)</c>.</summary>
    public Scenario EventAt(TimeSpan offsetFromT, string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node["at"] = Rfc3339.Format(T + offsetFromT);
        return Event(node.ToJsonString());
    }

    public Scenario Segment(string id, string match)
    {
        _others.Add(Parse(id, match));
        return this;
    }

    public ContactDocument Document(IEnumerable<ContactEvent>? order = null)
    {
        var (profile, errors) = InputReader.ReadContact(JsonDocument.Parse(_contact).RootElement);
        Assert.True(errors.Count == 0, string.Join("; ", errors));
        return new ContactFolder(_fold).Fold(new ContactDocument(profile!.Id).WithProfile(profile), [.. order ?? _events]).Document;
    }

    public IReadOnlyList<ContactEvent> Events => _events;

    public bool Matches(string match, DateTimeOffset? at = null)
    {
        var definition = Parse("subject", match);
        var set = new SegmentSet([.. _others, definition]);
        return set["subject"].Matches(Document(), new AsOf(at ?? T));
    }

    public static SegmentDefinition Parse(string id, string match)
    {
        var (definition, errors) = DefinitionParser.Parse($$"""{"id":"{{id}}","name":"{{id}}","match":{{match}}}""", Schema);
        Assert.True(errors.Count == 0, string.Join("; ", errors));
        return definition!;
    }
}
