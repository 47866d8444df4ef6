using System.Text.Json;
using Segments.Engine.Input;
using Segments.Engine.Model;

namespace Segments.Core.Catalog;

/// <summary>The text forms every catalog store keeps: the schema in its API shape, lists of names as JSON arrays.</summary>
public static class CatalogEncoding
{
    public static string Schema(FieldSchema schema)
    {
        var fields = schema.Custom.OrderBy(f => f.Key, StringComparer.Ordinal).ToDictionary(f => f.Key, f => FieldSchema.ToWord(f.Value));
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["fields"] = fields });
    }

    public static FieldSchema ParseSchema(string json)
    {
        using var document = JsonDocument.Parse(json);
        var (schema, errors) = InputReader.ReadSchema(document.RootElement);
        return schema ?? throw new InvalidDataException($"stored schema is invalid: {string.Join("; ", errors)}");
    }

    public static string Names(IReadOnlyList<string> names) => JsonSerializer.Serialize(names);

    public static IReadOnlyList<string> ParseNames(string json) =>
        JsonSerializer.Deserialize<string[]>(json) ?? throw new InvalidDataException("stored list of names is null");
}
