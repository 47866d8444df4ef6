using System.Text.Json;
using System.Text.RegularExpressions;
using Segments.Engine.Model;

namespace Segments.Engine.Language;

/// <summary>
/// Reads a segment definition from JSON and validates it against the language and the tenant's field
/// schema, reporting every problem at once with its JSON path. Segment references are collected here and
/// checked against the other definitions by <see cref="SegmentGraph"/>.
/// </summary>
public sealed partial class DefinitionParser
{
    public const int MaxDepth = 32;
    public const int MaxConditions = 512;

    public static readonly IReadOnlyList<string> ConditionKeys = Words.All<ConditionKey>();

    private static readonly IReadOnlyList<string> Presence = Words.All<PresenceOperator>();

    /// <summary>The operator words valid on each field type, in the order messages list them.</summary>
    public static readonly IReadOnlyDictionary<FieldType, string[]> FieldOperators = new Dictionary<FieldType, string[]>
    {
        [FieldType.Text] = [.. Presence, .. Words.All<TextOperator>()],
        [FieldType.Number] = [.. Presence, .. Words.All<NumberOperator>()],
        [FieldType.Date] = [.. Presence, .. Words.All<DateOperator>(), .. Words.All<RelativeDateOperator>()],
        [FieldType.Boolean] = [.. Presence, .. Words.All<BooleanOperator>()],
        [FieldType.Tags] = [.. Presence, .. Words.All<TagsOperator>()],
    };

    /// <summary>The operators of <c>count</c> and of a conversion's <c>value</c>: the number operators that compare one number.</summary>
    public static readonly IReadOnlyList<string> CountOperators =
        [.. Enum.GetValues<NumberOperator>().Where(op => op is not (NumberOperator.In or NumberOperator.NotIn)).Select(Words.Of)];

    public static readonly IReadOnlyList<string> EngagementEvents = Words.All<EngagementEvent>();

    private static readonly string[] PropertyOperators = [.. Presence, .. Words.All<TextOperator>().Union(Words.All<NumberOperator>())];
    private static readonly string[] ContextOperators = FieldOperators[FieldType.Text];

    private readonly FieldSchema _schema;
    private readonly List<ValidationError> _errors = [];
    private readonly List<SegmentReference> _references = [];
    private readonly List<string> _fields = [];
    private int _conditions;

    private readonly Func<string, bool>? _segmentExists;

    private DefinitionParser(FieldSchema schema, Func<string, bool>? segmentExists)
    {
        _schema = schema;
        _segmentExists = segmentExists;
    }

    /// <summary>
    /// Parses and validates; returns the definition, or null with every error found. With <paramref name="segmentExists"/>,
    /// a reference to a segment it does not know is one of those errors, reported with the others (the rest of the
    /// graph checks need a valid definition: <see cref="SegmentGraph"/>).
    /// </summary>
    public static (SegmentDefinition? Definition, IReadOnlyList<ValidationError> Errors) Parse(JsonElement json, FieldSchema schema,
        Func<string, bool>? segmentExists = null)
    {
        var parser = new DefinitionParser(schema, segmentExists);
        var definition = parser.ParseDefinition(json);
        return parser._errors.Count == 0 ? (definition, []) : (null, parser._errors);
    }

    public static (SegmentDefinition? Definition, IReadOnlyList<ValidationError> Errors) Parse(string json, FieldSchema schema)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement, schema);
        }
        catch (JsonException e)
        {
            return (null, [new ValidationError("$", $"not valid JSON: {e.Message}")]);
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}\\z", RegexOptions.CultureInvariant)]
    public static partial Regex IdShape();

    private SegmentDefinition? ParseDefinition(JsonElement json)
    {
        if (!ExpectObject(json, "$", "a segment definition"))
        {
            return null;
        }
        RejectUnknown(json, "$", ["id", "name", "description", "match"]);
        var id = RequiredString(json, "$", "id");
        if (id is not null && !IdShape().IsMatch(id))
        {
            Error("$.id", $"'{id}' is not a valid segment id; use 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit");
        }
        var name = RequiredString(json, "$", "name");
        if (name is not null && name.Trim().Length == 0)
        {
            Error("$.name", "the name must not be blank");
        }
        string? description = null;
        if (json.TryGetProperty("description", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            description = d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            if (description is null)
            {
                Error("$.description", "the description must be a string");
            }
        }
        Condition? match = null;
        if (!json.TryGetProperty("match", out var m))
        {
            Error("$", "'match' is required: the condition contacts must meet");
        }
        else
        {
            match = ParseCondition(m, "$.match", 0);
        }
        if (_conditions > MaxConditions)
        {
            Error("$.match", $"the definition has {_conditions} conditions; at most {MaxConditions} are allowed");
        }
        return id is null || name is null || match is null
            ? null
            : new SegmentDefinition(id, name, description, match, _references.DistinctBy(r => r.Id, StringComparer.Ordinal).ToArray())
            {
                Fields = _fields.Distinct(StringComparer.Ordinal).ToArray(),
            };
    }

    private Condition? ParseCondition(JsonElement json, string path, int depth)
    {
        _conditions++;
        if (!ExpectObject(json, path, "a condition"))
        {
            return null;
        }
        var keys = json.EnumerateObject().Select(p => p.Name).ToArray();
        if (keys.Length != 1)
        {
            Error(path, keys.Length == 0
                ? $"a condition needs exactly one key, one of {string.Join(", ", ConditionKeys)}"
                : $"a condition has exactly one key, found {keys.Length} ({string.Join(", ", keys)}); wrap several in 'and' or 'or'");
            return null;
        }
        if (!Words.TryParse(keys[0], out ConditionKey key))
        {
            Error(path, $"unknown condition '{keys[0]}'; use one of {string.Join(", ", ConditionKeys)}");
            return null;
        }
        var body = json.GetProperty(keys[0]);
        var at = $"{path}.{keys[0]}";
        return key switch
        {
            ConditionKey.And or ConditionKey.Or => ParseGroup(key, body, at, depth + 1),
            ConditionKey.Not => ParseNot(body, at, depth + 1),
            ConditionKey.Field => ParseField(body, at),
            ConditionKey.Engagement => ParseEngagement(body, at),
            ConditionKey.Pixel => ParsePixel(body, at),
            ConditionKey.Conversion => ParseConversion(body, at),
            ConditionKey.List => ParseList(body, at),
            ConditionKey.Segment => ParseSegment(body, at),
            ConditionKey.Geo => ParseContext(ContextKind.Geo, body, at),
            ConditionKey.Device => ParseContext(ContextKind.Device, body, at),
            ConditionKey.Everyone => ParseEveryone(body, at),
            ConditionKey.Bucket => ParseBucket(body, at),
        };
    }

    private Condition? ParseNot(JsonElement body, string path, int depth)
    {
        if (!CheckDepth(path, depth))
        {
            return null;
        }
        var inner = ParseCondition(body, path, depth);
        return inner is null ? null : new Not(inner);
    }

    private bool CheckDepth(string path, int depth)
    {
        if (depth <= MaxDepth)
        {
            return true;
        }
        Error(path, $"groups nest too deep: at most {MaxDepth} levels of and, or and not");
        return false;
    }

    private Condition? ParseGroup(ConditionKey key, JsonElement body, string path, int depth)
    {
        if (!CheckDepth(path, depth))
        {
            return null;
        }
        if (body.ValueKind != JsonValueKind.Array || body.GetArrayLength() == 0)
        {
            Error(path, $"'{Words.Of(key)}' takes a non-empty array of conditions");
            return null;
        }
        var items = new List<Condition>();
        var ok = true;
        var i = 0;
        foreach (var item in body.EnumerateArray())
        {
            var parsed = ParseCondition(item, $"{path}[{i++}]", depth);
            ok &= parsed is not null;
            if (parsed is not null)
            {
                items.Add(parsed);
            }
        }
        return !ok ? null : key == ConditionKey.And ? new AllOf(items) : new AnyOf(items);
    }

    private Condition? ParseField(JsonElement body, string path)
    {
        if (!ExpectObject(body, path, "a field condition {name, op, value}"))
        {
            return null;
        }
        RejectUnknown(body, path, ["name", "op", "value"]);
        var name = RequiredString(body, path, "name");
        var op = RequiredString(body, path, "op");
        if (name is null || op is null)
        {
            return null;
        }
        if (!_schema.TryGetType(name, out var type))
        {
            var known = FieldSchema.BuiltIns.Keys.Concat(_schema.Custom.Keys).Order(StringComparer.Ordinal);
            Error($"{path}.name", $"unknown field '{name}'; the schema has {string.Join(", ", known)}");
            return null;
        }
        _fields.Add(name);
        var allowed = FieldOperators[type];
        if (!allowed.Contains(op))
        {
            Error($"{path}.op", $"operator '{op}' is not valid for {FieldSchema.ToWord(type)} field '{name}'; use one of {string.Join(", ", allowed)}");
            return null;
        }
        ScalarPredicate? predicate = Words.TryParse(op, out PresenceOperator presence)
            ? PresenceOperand(body, path, presence, type switch
            {
                FieldType.Text => ValueKind.Text,
                FieldType.Number => ValueKind.Number,
                FieldType.Date => ValueKind.Text,
                FieldType.Boolean => ValueKind.Boolean,
                FieldType.Tags => ValueKind.List,
            }, needsDate: type == FieldType.Date)
            : type switch
            {
                FieldType.Text => TextOperand(body, path, Words.Parse<TextOperator>(op), $"text field '{name}'"),
                FieldType.Number => NumberOperand(body, path, Words.Parse<NumberOperator>(op), $"number field '{name}'"),
                FieldType.Date => Words.TryParse(op, out RelativeDateOperator relative)
                    ? RelativeDateOperand(body, path, relative, name)
                    : DateOperand(body, path, Words.Parse<DateOperator>(op), name),
                FieldType.Boolean => BooleanOperand(body, path, name),
                FieldType.Tags => TagsOperand(body, path, Words.Parse<TagsOperator>(op), name),
            };
        return predicate is null ? null : new FieldCondition(name, type, predicate);
    }

    private PresencePredicate? PresenceOperand(JsonElement body, string path, PresenceOperator op, ValueKind? kind, bool needsDate)
    {
        if (body.TryGetProperty("value", out _))
        {
            Error($"{path}.value", $"'{Words.Of(op)}' takes no value");
            return null;
        }
        return new PresencePredicate(op, kind, needsDate);
    }

    private TextPredicate? TextOperand(JsonElement body, string path, TextOperator op, string what)
    {
        var word = Words.Of(op);
        if (!TryValue(body, path, word, out var value))
        {
            return null;
        }
        if (op is TextOperator.In or TextOperator.NotIn)
        {
            var items = ArrayOf(value, $"{path}.value", $"'{word}' on {what} takes an array of strings", JsonValueKind.String);
            return items is null ? null : new TextPredicate(op, items.Select(e => e.GetString()!).ToArray());
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Error($"{path}.value", $"'{word}' on {what} takes a string, not {Describe(value)}");
            return null;
        }
        return new TextPredicate(op, [value.GetString()!]);
    }

    private NumberPredicate? NumberOperand(JsonElement body, string path, NumberOperator op, string what)
    {
        var word = Words.Of(op);
        if (!TryValue(body, path, word, out var value))
        {
            return null;
        }
        if (op is NumberOperator.In or NumberOperator.NotIn or NumberOperator.Between)
        {
            var between = op == NumberOperator.Between;
            var items = ArrayOf(value, $"{path}.value",
                between ? $"'between' on {what} takes [low, high], two numbers" : $"'{word}' on {what} takes an array of numbers",
                JsonValueKind.Number, between ? 2 : null);
            if (items is null)
            {
                return null;
            }
            var numbers = items.Select(e => e.GetDouble()).ToArray();
            if (between && numbers[0] > numbers[1])
            {
                Error($"{path}.value", $"'between' takes [low, high] with low ≤ high; {numbers[0]} is above {numbers[1]}");
                return null;
            }
            return new NumberPredicate(op, numbers);
        }
        if (value.ValueKind != JsonValueKind.Number)
        {
            Error($"{path}.value", $"'{word}' on {what} takes a number, not {Describe(value)}");
            return null;
        }
        return new NumberPredicate(op, [value.GetDouble()]);
    }

    private RelativeDatePredicate? RelativeDateOperand(JsonElement body, string path, RelativeDateOperator op, string name)
    {
        var word = Words.Of(op);
        if (!TryValue(body, path, word, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Error($"{path}.value", $"'{word}' on date field '{name}' takes a duration such as \"7d\", not {Describe(value)}");
            return null;
        }
        if (!Duration.TryParse(value.GetString(), out var duration, out var error))
        {
            Error($"{path}.value", error!);
            return null;
        }
        return new RelativeDatePredicate(op, duration);
    }

    private DatePredicate? DateOperand(JsonElement body, string path, DateOperator op, string name)
    {
        var word = Words.Of(op);
        if (!TryValue(body, path, word, out var value))
        {
            return null;
        }
        if (op == DateOperator.Between)
        {
            var items = ArrayOf(value, $"{path}.value", $"'between' on date field '{name}' takes [low, high], two dates", JsonValueKind.String, 2);
            if (items is null)
            {
                return null;
            }
            var low = DateOf(items[0], $"{path}.value[0]");
            var high = DateOf(items[1], $"{path}.value[1]");
            if (low is null || high is null)
            {
                return null;
            }
            if (low.Value.Start > high.Value.End)
            {
                Error($"{path}.value", "'between' takes [low, high] with low before high");
                return null;
            }
            return new DatePredicate(op, low.Value, high.Value);
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Error($"{path}.value", $"'{word}' on date field '{name}' takes a date (2026-11-01) or date-time (2026-11-01T10:00:00Z), not {Describe(value)}");
            return null;
        }
        var date = DateOf(value, $"{path}.value");
        return date is null ? null : new DatePredicate(op, date.Value, date.Value);
    }

    private DateValue? DateOf(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.String && DateValue.TryParse(value.GetString()!, out var date))
        {
            return date;
        }
        Error(path, $"{Describe(value)} is not a date; write 2026-11-01 (a UTC day) or 2026-11-01T10:00:00Z (an instant)");
        return null;
    }

    private BooleanPredicate? BooleanOperand(JsonElement body, string path, string name)
    {
        if (!TryValue(body, path, Words.Of(BooleanOperator.Eq), out var value))
        {
            return null;
        }
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error($"{path}.value", $"'eq' on boolean field '{name}' takes true or false, not {Describe(value)}");
            return null;
        }
        return new BooleanPredicate(value.GetBoolean());
    }

    private TagsPredicate? TagsOperand(JsonElement body, string path, TagsOperator op, string name)
    {
        var word = Words.Of(op);
        if (!TryValue(body, path, word, out var value))
        {
            return null;
        }
        if (op is TagsOperator.IncludesAny or TagsOperator.IncludesAll)
        {
            var items = ArrayOf(value, $"{path}.value", $"'{word}' on tags field '{name}' takes a non-empty array of strings", JsonValueKind.String);
            return items is null ? null : new TagsPredicate(op, [.. items.Select(e => e.GetString()!)]);
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Error($"{path}.value", $"'{word}' on tags field '{name}' takes a string, not {Describe(value)}");
            return null;
        }
        return new TagsPredicate(op, [value.GetString()!]);
    }

    private Condition? ParseEveryone(JsonElement body, string path)
    {
        if (!ExpectObject(body, path, "'everyone' as {}"))
        {
            return null;
        }
        RejectUnknown(body, path, []);
        return Everyone.Instance;
    }

    private Condition? ParseBucket(JsonElement body, string path)
    {
        if (!ExpectObject(body, path, "a bucket condition {seed, from, to}"))
        {
            return null;
        }
        RejectUnknown(body, path, ["seed", "from", "to"]);
        var seed = RequiredString(body, path, "seed");
        if (seed is not null && (seed.Length == 0 || seed.Length > BucketCondition.MaxSeedLength))
        {
            Error($"{path}.seed", $"a seed has 1 to {BucketCondition.MaxSeedLength} characters");
            seed = null;
        }
        int? Bound(string key)
        {
            if (!body.TryGetProperty(key, out var v))
            {
                Error(path, $"'{key}' is required: a whole number from 0 to {BucketCondition.Buckets - 1}");
                return null;
            }
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < 0 || n >= BucketCondition.Buckets)
            {
                Error($"{path}.{key}", $"'{key}' is a whole number from 0 to {BucketCondition.Buckets - 1}, not {Describe(v)}");
                return null;
            }
            return n;
        }
        var from = Bound("from");
        var to = Bound("to");
        if (from > to)
        {
            Error($"{path}.to", $"'to' ({to}) must not be below 'from' ({from})");
            return null;
        }
        return seed is null || from is null || to is null ? null : new BucketCondition(seed, from.Value, to.Value);
    }

    /// <summary><c>seen</c> on a pixel or conversion: "any" (the default, counting) or "last"; null when invalid.</summary>
    private bool? ParseSeenLast(JsonElement body, string path)
    {
        if (!body.TryGetProperty("seen", out var seen))
        {
            return false;
        }
        switch (seen.ValueKind == JsonValueKind.String ? seen.GetString() : null)
        {
            case "any": return false;
            case "last":
                foreach (var key in new[] { "count", "value" })
                {
                    if (body.TryGetProperty(key, out _))
                    {
                        Error($"{path}.{key}", $"'{key}' does not go with \"seen\": \"last\", which tests the most recent event alone");
                    }
                }
                return true;
            default:
                Error($"{path}.seen", $"'seen' is \"any\" (count the events, the default) or \"last\" (test the most recent one), not {Describe(seen)}");
                return null;
        }
    }

    private Condition? ParseEngagement(JsonElement body, string path)
    {
        if (!ExpectObject(body, path, "an engagement condition {event, within?, count?, campaign?, machineOpens?}"))
        {
            return null;
        }
        RejectUnknown(body, path, ["event", "within", "count", "campaign", "machineOpens"]);
        var name = RequiredString(body, path, "event");
        EngagementEvent? engagement = null;
        if (name is not null)
        {
            // Event names compare case-insensitively, "Open" included.
            if (Words.TryParse(name, out EngagementEvent parsed, ignoreCase: true))
            {
                engagement = parsed;
            }
            else
            {
                Error($"{path}.event", $"unknown email event '{name}'; use one of {string.Join(", ", EngagementEvents)}");
            }
        }
        var within = OptionalDuration(body, path);
        var count = OptionalCount(body, path, "count");
        var campaign = CampaignScope.None;
        if (body.TryGetProperty("campaign", out var c))
        {
            var id = c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (string.IsNullOrEmpty(id))
            {
                Error($"{path}.campaign", "'campaign' takes a campaign id or \"last\"");
            }
            else
            {
                campaign = id == "last" ? CampaignScope.Last : new CampaignScope(CampaignScopeKind.Id, id);
            }
        }
        var machineOpens = false;
        if (body.TryGetProperty("machineOpens", out var machine))
        {
            switch (machine.ValueKind == JsonValueKind.String ? machine.GetString() : null)
            {
                case "include": machineOpens = true; break;
                case "exclude": break;
                default:
                    Error($"{path}.machineOpens", $"'machineOpens' is \"exclude\" (the default) or \"include\", not {Describe(machine)}");
                    return null;
            }
            if (engagement is not (null or EngagementEvent.Open or EngagementEvent.Engaged))
            {
                Error($"{path}.machineOpens", "'machineOpens' goes only with the events open and engaged");
                return null;
            }
        }
        return engagement is null || within.Failed || count.Failed
            ? null
            : new EngagementCondition(engagement.Value, within.Value, count.Value ?? EventCount.AtLeastOne, campaign, machineOpens);
    }

    private Condition? ParsePixel(JsonElement body, string path)
    {
        if (!ExpectObject(body, path, "a pixel condition {event, where?, within?, count?, seen?}"))
        {
            return null;
        }
        RejectUnknown(body, path, ["event", "where", "within", "count", "seen"]);
        var seenLast = ParseSeenLast(body, path);
        var name = RequiredString(body, path, "event");
        if (name is { Length: 0 })
        {
            Error($"{path}.event", "the event name must not be empty");
        }
        var where = ParseWhere(body, path);
        var within = OptionalDuration(body, path);
        var count = OptionalCount(body, path, "count");
        return string.IsNullOrEmpty(name) || where is null || within.Failed || count.Failed || seenLast is null
            ? null
            : new PixelCondition(name, where, within.Value, count.Value ?? EventCount.AtLeastOne, seenLast.Value);
    }

    private Condition? ParseConversion(JsonElement body, string path)
    {
        if (!ExpectObject(body, path, "a conversion condition {event?, where?, within?, count?, value?, campaign?, seen?}"))
        {
            return null;
        }
        RejectUnknown(body, path, ["event", "where", "within", "count", "value", "campaign", "seen"]);
        var seenLast = ParseSeenLast(body, path);
        string? name = null;
        var nameOk = true;
        if (body.TryGetProperty("event", out var e))
        {
            name = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            if (string.IsNullOrEmpty(name))
            {
                Error($"{path}.event", "'event' takes a conversion name such as \"purchase\"; leave it out for any conversion");
                nameOk = false;
            }
        }
        var where = ParseWhere(body, path);
        var within = OptionalDuration(body, path);
        var count = OptionalCount(body, path, "count");
        var value = OptionalCount(body, path, "value", integers: false);
        var campaign = CampaignScope.None;
        if (body.TryGetProperty("campaign", out var c))
        {
            var id = c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (string.IsNullOrEmpty(id))
            {
                Error($"{path}.campaign", "'campaign' takes a campaign id or \"any\" (attributed to any campaign)");
            }
            else
            {
                campaign = id == "any" ? CampaignScope.AnyAttributed : new CampaignScope(CampaignScopeKind.Id, id);
            }
        }
        return !nameOk || where is null || within.Failed || count.Failed || value.Failed || seenLast is null
            ? null
            : new ConversionCondition(name, where, within.Value, count.Value, value.Value?.Predicate, campaign, seenLast.Value);
    }

    private IReadOnlyList<PropertyPredicate>? ParseWhere(JsonElement body, string path)
    {
        if (!body.TryGetProperty("where", out var where))
        {
            return [];
        }
        var at = $"{path}.where";
        if (where.ValueKind != JsonValueKind.Array)
        {
            Error(at, "'where' takes an array of property predicates {property, op, value}");
            return null;
        }
        var result = new List<PropertyPredicate>();
        var ok = true;
        var i = 0;
        foreach (var item in where.EnumerateArray())
        {
            var itemPath = $"{at}[{i++}]";
            var predicate = ParseProperty(item, itemPath);
            ok &= predicate is not null;
            if (predicate is not null)
            {
                result.Add(predicate);
            }
        }
        return ok ? result : null;
    }

    private PropertyPredicate? ParseProperty(JsonElement item, string path)
    {
        if (!ExpectObject(item, path, "a property predicate {property, op, value}"))
        {
            return null;
        }
        RejectUnknown(item, path, ["property", "op", "value"]);
        var property = RequiredString(item, path, "property");
        var op = RequiredString(item, path, "op");
        if (property is null || op is null)
        {
            return null;
        }
        var propertyPath = PropertyPath.Parse(property, out var pathError);
        if (propertyPath is null)
        {
            Error($"{path}.property", pathError!);
            return null;
        }
        if (!PropertyOperators.Contains(op))
        {
            Error($"{path}.op", $"unknown property operator '{op}'; use one of {string.Join(", ", PropertyOperators)}");
            return null;
        }
        ScalarPredicate? predicate;
        if (Words.TryParse(op, out PresenceOperator presence))
        {
            predicate = PresenceOperand(item, path, presence, null, false);
        }
        else
        {
            // The operand decides between text and number comparison for the operators both share.
            var text = Words.TryParse(op, out TextOperator textOperator);
            var number = Words.TryParse(op, out NumberOperator numberOperator);
            predicate = number && (!text || (item.TryGetProperty("value", out var v) && IsNumberOperand(v)))
                ? NumberOperand(item, path, numberOperator, $"property '{property}'")
                : TextOperand(item, path, textOperator, $"property '{property}'");
        }
        return predicate is null ? null : new PropertyPredicate(propertyPath, predicate);
    }

    private static bool IsNumberOperand(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number
        || (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 && value[0].ValueKind == JsonValueKind.Number);

    private Condition? ParseList(JsonElement body, string path)
    {
        if (!ExpectObject(body, path, "a list condition {id, status?}"))
        {
            return null;
        }
        RejectUnknown(body, path, ["id", "status"]);
        var id = RequiredString(body, path, "id");
        var status = ListStatusFilter.Subscribed;
        if (body.TryGetProperty("status", out var s)
            && !Words.TryParse(s.ValueKind == JsonValueKind.String ? s.GetString() : null, out status))
        {
            Error($"{path}.status", $"list status {Describe(s)} is not one of {string.Join(", ", Words.All<ListStatusFilter>())}");
            return null;
        }
        if (id is { Length: 0 })
        {
            Error($"{path}.id", "the list id must not be empty");
            return null;
        }
        return id is null ? null : new ListCondition(id, status);
    }

    private Condition? ParseSegment(JsonElement body, string path)
    {
        if (!ExpectObject(body, path, "a segment reference {id}"))
        {
            return null;
        }
        RejectUnknown(body, path, ["id"]);
        var id = RequiredString(body, path, "id");
        if (id is null)
        {
            return null;
        }
        if (!IdShape().IsMatch(id))
        {
            Error($"{path}.id", $"'{id}' is not a valid segment id");
            return null;
        }
        var reference = new SegmentReference(id, $"{path}.id");
        if (_segmentExists?.Invoke(id) == false)
        {
            Error(reference.Path, SegmentGraph.Missing(reference));
        }
        _references.Add(reference);
        return new SegmentCondition(id);
    }

    private Condition? ParseContext(ContextKind kind, JsonElement body, string path)
    {
        var names = ContextCondition.AttributeNames(kind);
        var word = kind == ContextKind.Geo ? "geo" : "device";
        if (!ExpectObject(body, path, $"a {word} condition"))
        {
            return null;
        }
        RejectUnknown(body, path, [.. names, "within", "seen"]);
        var predicates = new ScalarPredicate?[3];
        var ok = true;
        for (var i = 0; i < names.Count; i++)
        {
            if (!body.TryGetProperty(names[i], out var predicate))
            {
                continue;
            }
            var at = $"{path}.{names[i]}";
            if (!ExpectObject(predicate, at, $"a text predicate {{op, value}} on {names[i]}"))
            {
                ok = false;
                continue;
            }
            RejectUnknown(predicate, at, ["op", "value"]);
            var op = RequiredString(predicate, at, "op");
            if (op is null)
            {
                ok = false;
                continue;
            }
            if (!ContextOperators.Contains(op))
            {
                Error($"{at}.op", $"operator '{op}' is not valid for {names[i]}; use one of {string.Join(", ", ContextOperators)}");
                ok = false;
                continue;
            }
            predicates[i] = Words.TryParse(op, out PresenceOperator presence)
                ? PresenceOperand(predicate, at, presence, ValueKind.Text, false)
                : TextOperand(predicate, at, Words.Parse<TextOperator>(op), names[i]);
            ok &= predicates[i] is not null;
        }
        var within = OptionalDuration(body, path);
        var seenAny = false;
        if (body.TryGetProperty("seen", out var seen))
        {
            switch (seen.ValueKind == JsonValueKind.String ? seen.GetString() : null)
            {
                case "last": break;
                case "any": seenAny = true; break;
                default:
                    Error($"{path}.seen", $"'seen' is \"last\" (the most recent event, the default) or \"any\", not {Describe(seen)}");
                    ok = false;
                    break;
            }
        }
        return ok && !within.Failed ? new ContextCondition(kind, predicates, within.Value, seenAny) : null;
    }

    private (Duration? Value, bool Failed) OptionalDuration(JsonElement body, string path)
    {
        if (!body.TryGetProperty("within", out var w))
        {
            return (null, false);
        }
        if (w.ValueKind != JsonValueKind.String)
        {
            Error($"{path}.within", $"'within' takes a duration such as \"30d\", not {Describe(w)}");
            return (null, true);
        }
        if (!Duration.TryParse(w.GetString(), out var duration, out var error))
        {
            Error($"{path}.within", error!);
            return (null, true);
        }
        return (duration, false);
    }

    private (EventCount? Value, bool Failed) OptionalCount(JsonElement body, string path, string key, bool integers = true)
    {
        if (!body.TryGetProperty(key, out var c))
        {
            return (null, false);
        }
        var at = $"{path}.{key}";
        if (!ExpectObject(c, at, $"'{key}' as {{op, value}}"))
        {
            return (null, true);
        }
        RejectUnknown(c, at, ["op", "value"]);
        var op = RequiredString(c, at, "op");
        if (op is null)
        {
            return (null, true);
        }
        if (!CountOperators.Contains(op))
        {
            Error($"{at}.op", $"operator '{op}' is not valid for '{key}'; use one of {string.Join(", ", CountOperators)}");
            return (null, true);
        }
        if (NumberOperand(c, at, Words.Parse<NumberOperator>(op), $"'{key}'") is not { } predicate)
        {
            return (null, true);
        }
        if (integers && predicate.Values.Any(v => v < 0 || v != Math.Floor(v)))
        {
            Error($"{at}.value", $"'{key}' compares a number of events: use whole numbers of 0 or more");
            return (null, true);
        }
        return (new EventCount(predicate), false);
    }

    private bool TryValue(JsonElement body, string path, string op, out JsonElement value)
    {
        if (body.TryGetProperty("value", out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }
        Error(path, $"'{op}' needs a 'value'");
        return false;
    }

    private JsonElement[]? ArrayOf(JsonElement value, string path, string expectation, JsonValueKind kind, int? length = null)
    {
        if (value.ValueKind != JsonValueKind.Array || (length is not null && value.GetArrayLength() != length)
            || (length is null && value.GetArrayLength() == 0))
        {
            Error(path, $"{expectation}, not {Describe(value)}");
            return null;
        }
        var items = value.EnumerateArray().ToArray();
        var ok = true;
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i].ValueKind != kind)
            {
                Error($"{path}[{i}]", $"{expectation}; this item is {Describe(items[i])}");
                ok = false;
            }
        }
        return ok ? items : null;
    }

    private bool ExpectObject(JsonElement json, string path, string what)
    {
        if (json.ValueKind == JsonValueKind.Object)
        {
            return true;
        }
        Error(path, $"expected {what} (a JSON object), not {Describe(json)}");
        return false;
    }

    private string? RequiredString(JsonElement json, string path, string key)
    {
        if (!json.TryGetProperty(key, out var value))
        {
            Error(path, $"'{key}' is required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Error($"{path}.{key}", $"'{key}' must be a string, not {Describe(value)}");
            return null;
        }
        return value.GetString();
    }

    private void RejectUnknown(JsonElement json, string path, IReadOnlyCollection<string> known)
    {
        foreach (var property in json.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                Error($"{path}.{property.Name}", $"unknown property '{property.Name}'; expected {string.Join(", ", known)}");
            }
        }
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private void Error(string path, string message) => _errors.Add(new ValidationError(path, message));
}
