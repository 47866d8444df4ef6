using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Segments.Console.Definitions;

/// <summary>Reading and writing the properties of a condition's body as the builder's controls need them.</summary>
public static class JsonBody
{
    public static string Text(JsonObject body, string key) => body[key] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value => value.ToJsonString(),
        null => "",
        var other => other.ToJsonString(),
    };

    public static double? Number(JsonObject body, string key) =>
        body[key] is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<double>() : null;

    /// <summary>Sets <paramref name="key"/>, or removes it when <paramref name="value"/> is null (an optional property left out).</summary>
    public static void Set(JsonObject body, string key, JsonNode? value)
    {
        if (value is null)
        {
            body.Remove(key);
        }
        else
        {
            body[key] = value;
        }
    }

    public static void SetText(JsonObject body, string key, string? text, bool optional = false) =>
        Set(body, key, optional && string.IsNullOrEmpty(text) ? null : JsonValue.Create(text ?? ""));

    /// <summary>A number when the text is one (invariant culture), else the text itself, for the API to refuse with a path.</summary>
    public static JsonNode NumberOrText(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? (number == Math.Floor(number) && Math.Abs(number) < 1e15 ? JsonValue.Create((long)number) : JsonValue.Create(number))
            : JsonValue.Create(text);

    public static JsonObject Object(JsonObject body, string key)
    {
        if (body[key] is JsonObject existing)
        {
            return existing;
        }
        var created = new JsonObject();
        body[key] = created;
        return created;
    }

    public static JsonArray Array(JsonObject body, string key)
    {
        if (body[key] is JsonArray existing)
        {
            return existing;
        }
        var created = new JsonArray();
        body[key] = created;
        return created;
    }
}
