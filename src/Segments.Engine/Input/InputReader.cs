using System.Text.Json;
using Segments.Engine.Language;
using Segments.Engine.Model;

using static Segments.Engine.Input.JsonFields;

namespace Segments.Engine.Input;

/// <summary>
/// Reads contacts, events and suppressions in the shapes of the language's data set (also the HTTP bodies),
/// reporting every problem with its JSON path. One reader serves the offline files and the API.
/// </summary>
public static class InputReader
{
    /// <summary>How deep event properties nest (v2): the <c>properties</c> object is the first level; deeper is an error.</summary>
    public const int MaxPropertyDepth = 8;

    private static readonly KnownNames ContactKeys = new("id", "email", "firstName", "lastName", "createdAt", "fields", "lists");

    public static (ContactProfile? Contact, IReadOnlyList<ValidationError> Errors) ReadContact(JsonElement json, string path = "$")
    {
        var errors = new List<ValidationError>();
        if (!IsObject(json, path, "a contact", errors))
        {
            return (null, errors);
        }
        RejectUnknown(json, path, ContactKeys, errors);
        var id = RequiredText(json, path, "id", errors);
        // Built-in fields follow the language's rule for profile values: one that is not of the field's type
        // (an email that is a number, a createdAt that is not RFC 3339) is a missing value, not a bad contact.
        var email = TextOrMissing(json, "email");
        var firstName = TextOrMissing(json, "firstName");
        var lastName = TextOrMissing(json, "lastName");
        DateTimeOffset? createdAt = TextOrMissing(json, "createdAt") is { } created && DateValue.TryParse(created, out var date)
            ? date.Start
            : null;
        var fields = ReadValues(json, path, "fields", errors);
        var lists = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json.TryGetProperty("lists", out var l) && l.ValueKind != JsonValueKind.Null)
        {
            if (l.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new($"{path}.lists", "'lists' maps list ids to statuses, such as {\"newsletter\": \"subscribed\"}"));
            }
            else
            {
                foreach (var list in l.EnumerateObject())
                {
                    if (list.Value.ValueKind != JsonValueKind.String || list.Value.GetString()!.Length == 0)
                    {
                        errors.Add(new($"{path}.lists.{list.Name}", "a list status is a string such as \"subscribed\" or \"unsubscribed\""));
                        continue;
                    }
                    lists[list.Name] = list.Value.GetString()!;
                }
            }
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new ContactProfile
        {
            Id = id!,
            Email = email,
            FirstName = firstName,
            LastName = lastName,
            CreatedAt = createdAt,
            Fields = fields,
            Lists = lists,
        }, errors);
    }

    private static readonly KnownNames EventKeys =
        new("id", "contactId", "kind", "name", "at", "campaignId", "properties", "geo", "device", "value", "currency", "bot");

    private static readonly KnownNames GeoKeys = new("country", "region", "city");

    private static readonly KnownNames DeviceKeys = new("client", "type", "os");

    private static readonly KnownNames SuppressionKeys = new("contactId", "reason", "at");

    private static readonly KnownNames SchemaKeys = new("fields");

    public static (ContactEvent? Event, IReadOnlyList<ValidationError> Errors) ReadEvent(JsonElement json, string path = "$")
    {
        var errors = new List<ValidationError>();
        if (!IsObject(json, path, "an event", errors))
        {
            return (null, errors);
        }
        RejectUnknown(json, path, EventKeys, errors);
        var id = RequiredText(json, path, "id", errors);
        var contactId = RequiredText(json, path, "contactId", errors);
        var kindWord = RequiredText(json, path, "kind", errors);
        var kind = EventKind.Email;
        if (kindWord is not null && !EventNames.TryParseKind(kindWord, out kind))
        {
            errors.Add(new($"{path}.kind", $"unknown kind '{kindWord}'; use email, pixel or conversion"));
        }
        var name = RequiredText(json, path, "name", errors);
        var at = RequiredInstant(json, path, "at", errors) ?? default;
        var campaignId = OptionalText(json, path, "campaignId", errors);
        var properties = ReadValues(json, path, "properties", errors, MaxPropertyDepth);
        var geo = ReadContext(json, path, "geo", GeoKeys, errors);
        var device = ReadContext(json, path, "device", DeviceKeys, errors);
        // A conversion value that is not a number is a missing value, which the language counts as 0.
        double? value = json.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number && double.IsFinite(v.GetDouble())
            ? v.GetDouble()
            : null;
        var currency = OptionalText(json, path, "currency", errors);
        var bot = false;
        if (json.TryGetProperty("bot", out var b) && b.ValueKind != JsonValueKind.Null)
        {
            if (b.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                bot = b.GetBoolean();
            }
            else
            {
                errors.Add(new($"{path}.bot", "'bot' must be true or false"));
            }
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new ContactEvent
        {
            Id = id!,
            ContactId = contactId!,
            Kind = kind,
            Name = name!,
            At = at,
            CampaignId = campaignId,
            Properties = properties,
            Geo = geo,
            Device = device,
            Value = value,
            Currency = currency,
            Bot = bot,
        }, errors);
    }

    public static (Suppression? Suppression, IReadOnlyList<ValidationError> Errors) ReadSuppression(JsonElement json, string path = "$")
    {
        var errors = new List<ValidationError>();
        if (!IsObject(json, path, "a suppression", errors))
        {
            return (null, errors);
        }
        RejectUnknown(json, path, SuppressionKeys, errors);
        var contactId = RequiredText(json, path, "contactId", errors);
        var reasonWord = RequiredText(json, path, "reason", errors);
        var reason = SuppressionReason.Manual;
        if (reasonWord is not null && !SuppressionReasons.TryParse(reasonWord, out reason))
        {
            errors.Add(new($"{path}.reason", $"unknown reason '{reasonWord}'; use unsubscribed, hard_bounce, complaint or manual"));
        }
        var at = RequiredInstant(json, path, "at", errors) ?? default;
        return errors.Count > 0 ? (null, errors) : (new Suppression(contactId!, reason, at), errors);
    }

    /// <summary>The field schema: <c>{"fields": {"plan": "text", ...}}</c>.</summary>
    public static (FieldSchema? Schema, IReadOnlyList<ValidationError> Errors) ReadSchema(JsonElement json, string path = "$")
    {
        var errors = new List<ValidationError>();
        if (!IsObject(json, path, "a schema {\"fields\": {...}}", errors))
        {
            return (null, errors);
        }
        RejectUnknown(json, path, SchemaKeys, errors);
        var fields = new Dictionary<string, FieldType>(StringComparer.Ordinal);
        if (!json.TryGetProperty("fields", out var f) || f.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(path, "'fields' is required: an object mapping field names to text, number, date, boolean or tags"));
            return (null, errors);
        }
        foreach (var field in f.EnumerateObject())
        {
            var at = $"{path}.fields.{field.Name}";
            if (FieldSchema.BuiltIns.ContainsKey(field.Name))
            {
                errors.Add(new(at, $"'{field.Name}' is a built-in field and cannot be redefined"));
            }
            else if (field.Value.ValueKind != JsonValueKind.String || !FieldSchema.TryParseType(field.Value.GetString(), out var type))
            {
                errors.Add(new(at, "a field type is one of text, number, date, boolean, tags"));
            }
            else
            {
                fields[field.Name] = type;
            }
        }
        return errors.Count > 0 ? (null, errors) : (new FieldSchema(fields), errors);
    }

    private static TextBag? ReadContext(JsonElement json, string path, string key, KnownNames names, List<ValidationError> errors)
    {
        if (!json.TryGetProperty(key, out var bag) || bag.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (!IsObject(bag, $"{path}.{key}", $"a {key} object", errors))
        {
            return null;
        }
        RejectUnknown(bag, $"{path}.{key}", names, errors);
        if (!bag.EnumerateObject().Any())
        {
            return null; // An empty object carries no context: the event is not considered by geo/device.
        }
        var values = names.Names.Select(n => OptionalText(bag, $"{path}.{key}", n, errors)).ToArray();
        return new TextBag(values[0], values[1], values[2]);
    }

    private static string? TextOrMissing(JsonElement json, string key) =>
        json.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
