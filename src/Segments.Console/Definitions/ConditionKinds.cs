using System.Text.Json.Nodes;

namespace Segments.Console.Definitions;

/// <summary>
/// Every leaf condition of the segment language (v2 included). The builder's editor switches over this set without a
/// default branch, and the project turns CS8524 off, so a kind added here without its editor fails the build (CS8509).
/// </summary>
public enum ConditionKind
{
    Field,
    Engagement,
    Pixel,
    Conversion,
    List,
    Segment,
    Geo,
    Device,
    Everyone,
    Bucket,
}

public sealed record ConditionKindInfo(ConditionKind Kind, string Key, string Label, Func<JsonObject> NewBody);

public static class ConditionKinds
{
    public static readonly IReadOnlyList<ConditionKindInfo> All =
    [
        new(ConditionKind.Field, "field", "Profile field", () => new JsonObject { ["name"] = "", ["op"] = "exists" }),
        new(ConditionKind.Engagement, "engagement", "Email engagement", () => new JsonObject { ["event"] = "open", ["within"] = "30d" }),
        new(ConditionKind.Pixel, "pixel", "Website event", () => new JsonObject { ["event"] = "page_view" }),
        new(ConditionKind.Conversion, "conversion", "Conversion", () => new JsonObject { ["event"] = "purchase" }),
        new(ConditionKind.List, "list", "List membership", () => new JsonObject { ["id"] = "" }),
        new(ConditionKind.Segment, "segment", "In another segment", () => new JsonObject { ["id"] = "" }),
        new(ConditionKind.Geo, "geo", "Location", () => new JsonObject { ["country"] = new JsonObject { ["op"] = "eq", ["value"] = "" } }),
        new(ConditionKind.Device, "device", "Device", () => new JsonObject { ["client"] = new JsonObject { ["op"] = "eq", ["value"] = "" } }),
        new(ConditionKind.Everyone, "everyone", "Everyone", () => []),
        new(ConditionKind.Bucket, "bucket", "Split bucket", () => new JsonObject { ["seed"] = "", ["from"] = 0, ["to"] = 49 }),
    ];

    public static ConditionKindInfo Info(ConditionKind kind) => All.Single(k => k.Kind == kind);

    public static ConditionKind? Find(string key) => All.FirstOrDefault(k => k.Key == key)?.Kind;
}

/// <summary>The operators the language offers, by field type (<c>schema</c>) and for event properties, counts and sums.</summary>
public static class Operators
{
    public static readonly string[] Text = ["eq", "neq", "contains", "not_contains", "starts_with", "ends_with", "in", "not_in"];
    public static readonly string[] Number = ["eq", "neq", "gt", "gte", "lt", "lte", "between", "in", "not_in"];
    public static readonly string[] Date = ["eq", "before", "after", "between", "within_last", "more_than_ago", "within_next"];
    public static readonly string[] Boolean = ["eq"];
    public static readonly string[] Tags = ["includes", "not_includes", "includes_any", "includes_all"];
    public static readonly string[] Presence = ["exists", "not_exists"];
    public static readonly string[] Count = ["eq", "neq", "gt", "gte", "lt", "lte", "between"];

    /// <summary>Built-in fields, read from the contact's own properties.</summary>
    public static readonly IReadOnlyDictionary<string, string> BuiltInFields = new Dictionary<string, string>
    {
        ["email"] = "text",
        ["first_name"] = "text",
        ["last_name"] = "text",
        ["created_at"] = "date",
    };

    public static IReadOnlyList<string> ForFieldType(string? type) => type switch
    {
        "text" => [.. Presence, .. Text],
        "number" => [.. Presence, .. Number],
        "date" => [.. Presence, .. Date],
        "boolean" => [.. Presence, .. Boolean],
        "tags" => [.. Presence, .. Tags],
        _ => Presence,
    };

    /// <summary>Event properties: the text and number operators, and presence.</summary>
    public static readonly string[] Property = [.. Presence, .. Text, .. Number.Except(Text)];

    public static bool TakesNoValue(string op) => Presence.Contains(op);

    public static bool TakesList(string op) => op is "in" or "not_in" or "includes_any" or "includes_all";

    public static bool TakesRange(string op) => op == "between";

    public static bool TakesDuration(string op) => op is "within_last" or "more_than_ago" or "within_next";

    public static string Label(string op) => op.Replace('_', ' ');
}
