using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Segments.Engine.Input;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Core.Ingestion;

/// <summary>
/// The properties of a <c>px.gif</c> hit, from its <c>p.NAME=value</c> query parameters. A name may address a nested
/// value (v2): names separated by <c>.</c> step into objects and <c>[N]</c> into arrays, so
/// <c>p.items[0].sku=SKI-1&amp;p.items[0].size=M&amp;p.product.name=Ski</c> is
/// <c>{"items":[{"sku":"SKI-1","size":"M"}],"product":{"name":"Ski"}}</c>. Values are text (a query string has no
/// types; the snippet and the API send numbers). Array elements a hit skips are null. A name that is at once a value and
/// a container, or an index past <see cref="MaxIndex"/>, is an error at <c>$.properties.NAME</c>.
/// </summary>
public static partial class QueryProperties
{
    /// <summary>The largest array index a parameter name may use (a query string is short anyway).</summary>
    public const int MaxIndex = 99;

    public static PropertyBag Read(IReadOnlyList<KeyValuePair<string, string>> parameters, List<ValidationError> errors)
    {
        var root = new JsonObject();
        var before = errors.Count;
        foreach (var (name, text) in parameters)
        {
            Put(root, name, text, errors);
        }
        if (errors.Count > before)
        {
            return PropertyBag.Empty;
        }
        using var document = JsonDocument.Parse(new JsonObject { ["properties"] = root }.ToJsonString());
        return JsonFields.ReadValues(document.RootElement, "$", "properties", errors, InputReader.MaxPropertyDepth);
    }

    [GeneratedRegex(@"^(?<name>[^.\[\]]+)(?:\[(?<index>[0-9]{1,4})\])*$", RegexOptions.CultureInvariant)]
    private static partial Regex Step();

    private static void Put(JsonObject root, string name, string text, List<ValidationError> errors)
    {
        var path = $"$.properties.{name}";
        var steps = name.Split('.');
        // Each step is a name, then zero or more indexes: the containers to walk (or make) on the way to the value.
        var keys = new List<object>();
        foreach (var step in steps)
        {
            var match = Step().Match(step);
            if (!match.Success)
            {
                errors.Add(new(path, "a property parameter is p.NAME, with names separated by '.' and array indexes as [0] (p.items[0].sku)"));
                return;
            }
            keys.Add(match.Groups["name"].Value);
            foreach (Capture index in match.Groups["index"].Captures)
            {
                var i = int.Parse(index.Value, System.Globalization.CultureInfo.InvariantCulture);
                if (i > MaxIndex)
                {
                    errors.Add(new(path, $"an array index is at most {MaxIndex}"));
                    return;
                }
                keys.Add(i);
            }
        }
        JsonNode container = root;
        for (var k = 0; k < keys.Count; k++)
        {
            var existing = Get(container, keys[k]);
            if (k == keys.Count - 1)
            {
                if (existing is JsonObject or JsonArray)
                {
                    errors.Add(new(path, Conflict));
                    return;
                }
                Set(container, keys[k], JsonValue.Create(text)); // Of a name given twice the last one wins, as in v1.
                return;
            }
            JsonNode wanted = keys[k + 1] is int ? new JsonArray() : new JsonObject();
            if (existing is null)
            {
                Set(container, keys[k], wanted);
                existing = wanted;
            }
            else if (existing.GetType() != wanted.GetType())
            {
                errors.Add(new(path, Conflict));
                return;
            }
            container = existing;
        }
    }

    private const string Conflict = "this name is given both as a value and as an object or array";

    // The container is an object exactly when the key is a name (Put checks it on the way down).
    private static JsonNode? Get(JsonNode container, object key) => key is int i
        ? (i < container.AsArray().Count ? container.AsArray()[i] : null)
        : container.AsObject()[(string)key];

    private static void Set(JsonNode container, object key, JsonNode value)
    {
        if (key is int i)
        {
            var array = container.AsArray();
            while (array.Count <= i)
            {
                array.Add(null);
            }
            array[i] = value;
        }
        else
        {
            container.AsObject()[(string)key] = value;
        }
    }
}
