using System.Text.Json;
using Segments.Engine.Input;
using Segments.Engine.Language;
using Segments.Engine.Model;

using static Segments.Engine.Input.JsonFields;

namespace Segments.Core.Ingestion;

/// <summary>A pixel batch as the snippet posts it: <c>{"visitor", "token", "events": [...]}</c>.</summary>
public sealed record PixelBatch(string? Visitor, string? Token, JsonElement Events);

/// <summary>
/// What the server, never the browser, says about a hit: whose events they are, and the device, geography and bot
/// flag found from the request. The browser cannot set any of these.
/// </summary>
public sealed record PixelHit(string ContactId, TextBag? Device, TextBag? Geo, bool Bot);

/// <summary>
/// Reads what the website sends: a snippet batch (JSON) or one <c>px.gif</c> hit (query parameters). A pixel event
/// is <c>{id, kind, name, at, properties?, value?, currency?}</c> with kind <c>pixel</c> or <c>conversion</c>;
/// contact, campaign, geography, device and bot flag are not the browser's to say and are refused. Every event
/// that is read is then held to the <see cref="EventRules"/>.
/// </summary>
public sealed class PixelEventReader(EventRules rules, TimeProvider time)
{
    private static readonly KnownNames BatchKeys = new("visitor", "token", "events");
    private static readonly KnownNames EventKeys = new("id", "kind", "name", "at", "properties", "value", "currency");

    /// <summary>Query parameters of <c>px.gif</c> that are not properties; <c>p.NAME=value</c> are properties.</summary>
    public const string PropertyPrefix = "p.";

    /// <summary>The batch around the events, or null with its errors added.</summary>
    public PixelBatch? ReadBatch(JsonElement json, List<ValidationError> errors)
    {
        var before = errors.Count;
        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("$", "expected a batch {\"visitor\", \"token\", \"events\": [...]}"));
            return null;
        }
        RejectUnknown(json, "$", BatchKeys, errors);
        var visitor = OptionalText(json, "$", "visitor", errors);
        var token = OptionalText(json, "$", "token", errors);
        if (!json.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array || events.GetArrayLength() == 0)
        {
            errors.Add(new("$.events", "'events' is a non-empty array of events"));
        }
        else if (events.GetArrayLength() > rules.Limits.MaxCollectEvents)
        {
            errors.Add(new("$.events", $"{events.GetArrayLength()} events; a batch holds at most {rules.Limits.MaxCollectEvents}"));
        }
        return errors.Count > before ? null : new PixelBatch(visitor, token, events);
    }

    /// <summary>One event of a batch, or null with its errors added.</summary>
    public ContactEvent? ReadEvent(JsonElement json, string path, PixelHit hit, List<ValidationError> errors)
    {
        var before = errors.Count;
        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(path, "expected an event (a JSON object)"));
            return null;
        }
        RejectUnknown(json, path, EventKeys, errors);
        var id = RequiredText(json, path, "id", errors);
        var kind = Kind(RequiredText(json, path, "kind", errors), $"{path}.kind", errors);
        var name = RequiredText(json, path, "name", errors);
        var at = RequiredInstant(json, path, "at", errors) ?? default;
        var properties = Properties(json, path, errors);
        double? value = null;
        if (json.TryGetProperty("value", out var v) && v.ValueKind != JsonValueKind.Null)
        {
            if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble()))
            {
                errors.Add(new($"{path}.value", "'value' is a number"));
            }
            value = v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        }
        var currency = OptionalText(json, path, "currency", errors);
        if (kind == EventKind.Pixel && (value is not null || currency is not null))
        {
            errors.Add(new($"{path}.value", "only conversions carry a value and a currency"));
        }
        return errors.Count > before ? null : Checked(Build(id!, kind, name!, at, properties, value, currency, hit), path, errors);
    }

    /// <summary>
    /// One <c>px.gif</c> hit: <c>e</c> (the name, default <c>page_view</c>), <c>id</c> (else one is made),
    /// <c>kind</c>, <c>value</c>, <c>currency</c> and <c>p.NAME</c> properties (nested names such as
    /// <c>p.items[0].sku</c>, see <see cref="QueryProperties"/>); the time is the time of arrival.
    /// </summary>
    public ContactEvent? ReadQuery(IEnumerable<KeyValuePair<string, string>> query, PixelHit hit, List<ValidationError> errors)
    {
        var before = errors.Count;
        string name = "page_view", id = Guid.NewGuid().ToString("N");
        var kind = EventKind.Pixel;
        string? currency = null;
        double? value = null;
        var properties = new List<KeyValuePair<string, string>>();
        foreach (var (key, text) in query)
        {
            switch (key)
            {
                case "e": name = text; break;
                case "id": id = text; break;
                case "kind": kind = Kind(text, "$.kind", errors); break;
                case "currency": currency = text; break;
                case "value" when double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
                    out var number) && double.IsFinite(number):
                    value = number;
                    break;
                case "value": errors.Add(new("$.value", "'value' is a number")); break;
                default:
                    if (key.StartsWith(PropertyPrefix, StringComparison.Ordinal))
                    {
                        properties.Add(new(key[PropertyPrefix.Length..], text));
                    }
                    break; // k, t, v and cache busters are not the event's.
            }
        }
        if (kind == EventKind.Pixel && (value is not null || currency is not null))
        {
            errors.Add(new("$.value", "only conversions carry a value and a currency"));
        }
        var bag = TooMany(properties.Count, "$.properties", errors) ? PropertyBag.Empty : QueryProperties.Read(properties, errors);
        return errors.Count > before ? null : Checked(Build(id, kind, name, time.GetUtcNow(), bag, value, currency, hit), "$", errors);
    }

    /// <summary>Refuses more properties than an event may carry before they are sorted.</summary>
    private bool TooMany(int count, string path, List<ValidationError> errors)
    {
        if (count <= rules.Limits.MaxProperties)
        {
            return false;
        }
        errors.Add(new(path, $"{count} properties; at most {rules.Limits.MaxProperties} are accepted"));
        return true;
    }

    private ContactEvent? Checked(ContactEvent e, string path, List<ValidationError> errors) =>
        rules.Check(e, path, fromPixel: true, errors) ? e : null;

    private static ContactEvent Build(string id, EventKind kind, string name, DateTimeOffset at, PropertyBag properties, double? value,
        string? currency, PixelHit hit) => new()
        {
            Id = id,
            ContactId = hit.ContactId,
            Kind = kind,
            Name = name,
            At = at,
            Properties = properties,
            Value = value,
            Currency = currency,
            Geo = hit.Geo,
            Device = hit.Device,
            Bot = hit.Bot,
        };

    private static EventKind Kind(string? word, string path, List<ValidationError> errors)
    {
        if (word is null)
        {
            return EventKind.Pixel;
        }
        if (EventNames.TryParseKind(word, out var kind) && kind != EventKind.Email)
        {
            return kind;
        }
        errors.Add(new(path, $"the pixel writes kind 'pixel' or 'conversion', not '{word}'"));
        return EventKind.Pixel;
    }

    private PropertyBag Properties(JsonElement json, string path, List<ValidationError> errors) =>
        // The limit on the number of properties comes first: an oversized object is refused without reading it.
        json.TryGetProperty("properties", out var bag) && bag.ValueKind == JsonValueKind.Object
            && TooMany(bag.EnumerateObject().Count(), $"{path}.properties", errors)
            ? PropertyBag.Empty
            : ReadValues(json, path, "properties", errors, InputReader.MaxPropertyDepth);
}
