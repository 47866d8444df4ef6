namespace Segments.Engine.Model;

public enum FieldType : byte
{
    Text,
    Number,
    Date,
    Boolean,

    /// <summary>An array of strings (interests, tags); v2.</summary>
    Tags,
}

/// <summary>The tenant's field schema plus the built-in fields every contact has.</summary>
public sealed class FieldSchema
{
    public static readonly IReadOnlyDictionary<string, FieldType> BuiltIns = new Dictionary<string, FieldType>
    {
        ["email"] = FieldType.Text,
        ["first_name"] = FieldType.Text,
        ["last_name"] = FieldType.Text,
        ["created_at"] = FieldType.Date,
    };

    public static readonly FieldSchema Empty = new(new Dictionary<string, FieldType>());

    public FieldSchema(IReadOnlyDictionary<string, FieldType> custom) => Custom = custom;

    public IReadOnlyDictionary<string, FieldType> Custom { get; }

    public bool TryGetType(string name, out FieldType type) =>
        BuiltIns.TryGetValue(name, out type) || Custom.TryGetValue(name, out type);

    public static string ToWord(FieldType type) => type switch
    {
        FieldType.Text => "text",
        FieldType.Number => "number",
        FieldType.Date => "date",
        FieldType.Boolean => "boolean",
        FieldType.Tags => "tags",
    };

    public static bool TryParseType(string? word, out FieldType type)
    {
        foreach (var candidate in Enum.GetValues<FieldType>())
        {
            if (ToWord(candidate) == word)
            {
                type = candidate;
                return true;
            }
        }
        type = default;
        return false;
    }
}
