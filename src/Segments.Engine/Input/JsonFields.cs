using System.Text.Json;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Engine.Input;

/// <summary>Reading the fields of a JSON object with errors at their paths: the readers of every input share these.</summary>
public static class JsonFields
{
    public static bool IsObject(JsonElement json, string path, string what, List<ValidationError> errors)
    {
        if (json.ValueKind == JsonValueKind.Object)
        {
            return true;
        }
        errors.Add(new(path, $"expected {what} (a JSON object)"));
        return false;
    }

    public static string? RequiredText(JsonElement json, string path, string key, List<ValidationError> errors)
    {
        if (!json.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new(path, $"'{key}' is required"));
            return null;
        }
        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
        {
            errors.Add(new($"{path}.{key}", $"'{key}' must be a non-empty string"));
            return null;
        }
        return value.GetString();
    }

    /// <summary>A required RFC 3339 date-time (a full-date is no instant), or null with its error at the key's path.</summary>
    public static DateTimeOffset? RequiredInstant(JsonElement json, string path, string key, List<ValidationError> errors)
    {
        if (RequiredText(json, path, key, errors) is not { } text)
        {
            return null;
        }
        if (DateValue.TryParse(text, out var date) && !date.IsDay)
        {
            return date.Start;
        }
        errors.Add(new($"{path}.{key}", $"'{text}' is not an RFC 3339 date-time such as 2026-11-01T10:00:00Z"));
        return null;
    }

    /// <summary>What a string is when its escapes make a lone surrogate, which no text can hold.</summary>
    public const string NotUnicodeText = "is not valid Unicode text (an escaped lone surrogate such as \\ud800, or invalid UTF-8)";

    /// <summary>The path of the first property name or string below <paramref name="value"/> that does not decode, or null.</summary>
    public static string? UndecodablePath(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return Decodes(() => value.GetString()) ? null : path;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (UndecodablePath(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (!Decodes(() => property.Name))
                    {
                        return path;
                    }
                    if (UndecodablePath(property.Value, $"{path}.{property.Name}") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private static bool Decodes(Func<string?> decode)
    {
        try
        {
            decode();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static string? OptionalText(JsonElement json, string path, string key, List<ValidationError> errors)
    {
        if (!json.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new($"{path}.{key}", $"'{key}' must be a string"));
            return null;
        }
        return value.GetString();
    }

    /// <summary>
    /// A JSON value as a <see cref="ScalarValue"/>: text, a finite number, a boolean, null (missing), or an array or
    /// object of such values. <paramref name="depth"/> is the depth of the value's container; an array or object that
    /// would lie deeper than <paramref name="maxDepth"/> is an error at its path.
    /// </summary>
    public static ScalarValue Value(JsonElement value, string path, int depth, int maxDepth, List<ValidationError> errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String: return ScalarValue.OfText(value.GetString()!);
            case JsonValueKind.Number: return double.IsFinite(value.GetDouble()) ? ScalarValue.OfNumber(value.GetDouble()) : ScalarValue.Missing;
            case JsonValueKind.True: return ScalarValue.OfBoolean(true);
            case JsonValueKind.False: return ScalarValue.OfBoolean(false);
            case JsonValueKind.Array or JsonValueKind.Object when depth + 1 > maxDepth:
                errors.Add(new(path, $"nested too deep: objects and arrays nest at most {maxDepth} levels, 'properties' itself being the first"));
                return ScalarValue.Missing;
            case JsonValueKind.Array:
                var items = new ScalarValue[value.GetArrayLength()];
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    items[i] = Value(item, $"{path}[{i}]", depth + 1, maxDepth, errors);
                    i++;
                }
                return ScalarValue.OfList(new ValueList(items));
            case JsonValueKind.Object:
                return ScalarValue.OfRecord(Record(value, path, depth + 1, maxDepth, errors));
            default:
                return ScalarValue.Missing;
        }
    }

    /// <summary>
    /// An object of named values (profile fields, event properties) as a <see cref="PropertyBag"/>. Event properties
    /// nest up to <see cref="InputReader.MaxPropertyDepth"/> levels (deeper is an error); profile fields take any value, which the
    /// language reads as missing where it is not of the field's type.
    /// </summary>
    public static PropertyBag ReadValues(JsonElement json, string path, string key, List<ValidationError> errors, int maxDepth = int.MaxValue)
    {
        if (!json.TryGetProperty(key, out var bag) || bag.ValueKind == JsonValueKind.Null)
        {
            return PropertyBag.Empty;
        }
        if (bag.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new($"{path}.{key}", $"'{key}' is an object of names and values"));
            return PropertyBag.Empty;
        }
        return Record(bag, $"{path}.{key}", 1, maxDepth, errors);
    }

    private static PropertyBag Record(JsonElement json, string path, int depth, int maxDepth, List<ValidationError> errors)
    {
        var items = new List<KeyValuePair<string, ScalarValue>>();
        foreach (var p in json.EnumerateObject())
        {
            items.Add(new(p.Name, Value(p.Value, $"{path}.{p.Name}", depth, maxDepth, errors)));
        }
        return PropertyBag.From(items);
    }

    /// <summary>Each property of <paramref name="json"/> that is not one of <paramref name="known"/>, as a problem at its path.</summary>
    public static void RejectUnknown(JsonElement json, string path, KnownNames known, List<ValidationError> errors)
    {
        foreach (var p in json.EnumerateObject())
        {
            if (!known.Contains(p))
            {
                errors.Add(new($"{path}.{p.Name}", $"unknown property '{p.Name}'; expected {string.Join(", ", known.Names)}"));
            }
        }
    }
}

/// <summary>
/// The property names an input object may have, kept in UTF-8 as well: every event ingested is read twice (by its route
/// and by the fold), and telling its properties known by decoding each name was an allocation a property.
/// </summary>
public sealed class KnownNames(params string[] names)
{
    private readonly byte[][] _utf8 = [.. names.Select(System.Text.Encoding.UTF8.GetBytes)];

    public IReadOnlyList<string> Names { get; } = names;

    public bool Contains(JsonProperty property)
    {
        foreach (var name in _utf8)
        {
            if (property.NameEquals(name))
            {
                return true;
            }
        }
        return false;
    }
}
