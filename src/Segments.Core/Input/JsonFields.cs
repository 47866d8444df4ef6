using System.Text.Json;
using Segments.Core.Language;
using Segments.Core.Model;

namespace Segments.Core.Input;

/// <summary>Reading the fields of a JSON object with errors at their paths: the readers of every input share these.</summary>
internal static class JsonFields
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

    /// <summary>A property or field value as a scalar: text, a finite number, a boolean, or null (missing); null when it is an object or array.</summary>
    public static ScalarValue? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => ScalarValue.OfText(value.GetString()!),
        JsonValueKind.Number when double.IsFinite(value.GetDouble()) => ScalarValue.OfNumber(value.GetDouble()),
        JsonValueKind.True => ScalarValue.OfBoolean(true),
        JsonValueKind.False => ScalarValue.OfBoolean(false),
        JsonValueKind.Null => ScalarValue.Missing,
        _ => null,
    };

    /// <summary>An object of named scalars (profile fields, event properties); a value that is an object or array is an error.</summary>
    public static PropertyBag ReadScalars(JsonElement json, string path, string key, List<ValidationError> errors)
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
        var items = new List<KeyValuePair<string, ScalarValue>>();
        foreach (var p in bag.EnumerateObject())
        {
            var value = Scalar(p.Value);
            if (value is null)
            {
                errors.Add(new($"{path}.{key}.{p.Name}", "values are strings, numbers, booleans or null, not objects or arrays"));
                continue;
            }
            items.Add(new(p.Name, value.Value));
        }
        return PropertyBag.From(items);
    }

    public static void RejectUnknown(JsonElement json, string path, IReadOnlyCollection<string> known, List<ValidationError> errors)
    {
        foreach (var p in json.EnumerateObject())
        {
            if (!known.Contains(p.Name))
            {
                errors.Add(new($"{path}.{p.Name}", $"unknown property '{p.Name}'; expected {string.Join(", ", known)}"));
            }
        }
    }
}
