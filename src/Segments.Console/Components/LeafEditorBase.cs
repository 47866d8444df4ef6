using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;
using Segments.Console.Definitions;

namespace Segments.Console.Components;

/// <summary>The controls of one kind of condition, editing its body in place.</summary>
public abstract class LeafEditorBase : ComponentBase
{
    [Parameter, EditorRequired] public LeafNode Node { get; set; } = default!;

    [Parameter, EditorRequired] public BuilderContext Context { get; set; } = default!;

    protected JsonObject Body => Node.Body;

    protected string Id { get; private set; } = "";

    protected override void OnInitialized() => Id = Context.NextId(Node.Key);

    protected Task SetTextAsync(string key, string? text, bool optional = false)
    {
        JsonBody.SetText(Body, key, text, optional);
        return Context.ChangedAsync();
    }

    protected Task SetAsync(string key, JsonNode? value)
    {
        JsonBody.Set(Body, key, value);
        return Context.ChangedAsync();
    }
}
