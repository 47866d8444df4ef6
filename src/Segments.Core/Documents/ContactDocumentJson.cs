using System.Globalization;
using System.Text.Json;
using Segments.Core.Model;

namespace Segments.Core.Documents;

/// <summary>
/// The stored form of a <see cref="ContactDocument"/> (System.Text.Json), an exact round trip of every field.
/// Compact because a heavy contact holds tens of thousands of events: each distinct <see cref="EventInfo"/> is
/// written once in <c>infos</c>, and each event is a small array <c>[ticksSincePreviousEvent, id, infoIndex]</c>.
/// Stores such as Cosmos DB keep JSON numbers as doubles, exact only up to 2^53, while UTC ticks are near 2^59: so
/// times are deltas (small numbers), and any integer beyond 2^53 is written as a string. Stable: names and words,
/// never enum ordinals.
/// <code>
/// {"v":1,"id":"c1","email":"a@example.com","createdAt":"2025-01-01T00:00:00.0000000+00:00",
///  "fields":{"plan":"Pro","mrr":620},"lists":{"newsletter":"subscribed"},
///  "infos":[["email","open",null,"cmp-7",null,["DE","BE","Berlin"]]],
///  "events":[["639000000000000000","e1",0],[36000000000,"e2",0]],
///  "listOptOuts":{"news":"639..."},"suppressions":{"hard_bounce":"639..."},
///  "compacted":[["email","open","open","cmp-7",null,12,0,"638..."]],"newestAt":"639..."}
/// </code>
/// </summary>
public static class ContactDocumentJson
{
    /// <summary>The format version, written first; a reader refuses versions it does not know.</summary>
    public const int Version = 1;

    public static byte[] Serialize(ContactDocument document)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, document);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static ContactDocument Deserialize(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        using var json = JsonDocument.ParseValue(ref reader);
        return Read(json.RootElement);
    }

    /// <summary>Writes the document as one JSON object (stores may write it as a property of their own envelope).</summary>
    public static void Write(Utf8JsonWriter writer, ContactDocument document)
    {
        writer.WriteStartObject();
        writer.WriteNumber("v", Version);
        writer.WriteString("id", document.Id);
        WriteOptional(writer, "email", document.Email);
        WriteOptional(writer, "firstName", document.FirstName);
        WriteOptional(writer, "lastName", document.LastName);
        if (document.CreatedAt != ScalarValue.Missing)
        {
            writer.WritePropertyName("createdAt");
            WriteScalar(writer, document.CreatedAt);
        }
        if (document.Fields.Count > 0)
        {
            writer.WritePropertyName("fields");
            WriteBag(writer, document.Fields);
        }
        WriteMap(writer, "lists", document.Lists, (w, v) => w.WriteStringValue(v));

        var infos = new Dictionary<EventInfo, int>();
        foreach (var e in document.Events)
        {
            infos.TryAdd(e.Info, infos.Count);
        }
        writer.WriteStartArray("infos");
        foreach (var info in infos.Keys)
        {
            WriteInfo(writer, info);
        }
        writer.WriteEndArray();
        writer.WriteStartArray("events");
        var previous = 0L;
        foreach (var e in document.Events)
        {
            writer.WriteStartArray();
            WriteInteger(writer, e.At - previous);
            previous = e.At;
            writer.WriteStringValue(e.Id);
            writer.WriteNumberValue(infos[e.Info]);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();

        WriteMap(writer, "listOptOuts", document.ListOptOuts, WriteInteger);
        WriteMap(writer, "suppressions", [.. document.Suppressions.Select(s => KeyValuePair.Create(s.Key.ToWord(), s.Value))], WriteInteger);
        if (document.Compacted.Length > 0)
        {
            writer.WriteStartArray("compacted");
            foreach (var t in document.Compacted)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(t.Kind.ToWord());
                writer.WriteStringValue(t.Name);
                writer.WriteStringValue(Word(t.Action));
                writer.WriteStringValue(t.CampaignId);
                writer.WriteStringValue(t.AttributedCampaign);
                WriteInteger(writer, t.Count);
                WriteDouble(writer, t.ValueSum);
                WriteInteger(writer, t.NewestAt);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
        writer.WritePropertyName("newestAt");
        WriteInteger(writer, document.NewestAt);
        writer.WriteEndObject();
    }

    /// <summary>Reads a document written by <see cref="Write"/>; throws <see cref="JsonException"/> on anything else.</summary>
    public static ContactDocument Read(JsonElement json)
    {
        try
        {
            if (json.GetProperty("v").GetInt32() != Version)
            {
                throw new JsonException($"contact document format version {json.GetProperty("v")} is not {Version}");
            }
            var document = new ContactDocument(json.GetProperty("id").GetString()!)
            {
                Email = OptionalText(json, "email"),
                FirstName = OptionalText(json, "firstName"),
                LastName = OptionalText(json, "lastName"),
                CreatedAt = json.TryGetProperty("createdAt", out var created) ? ReadScalar(created) : ScalarValue.Missing,
                Fields = json.TryGetProperty("fields", out var fields) ? ReadBag(fields) : PropertyBag.Empty,
                Lists = ReadMap(json, "lists", v => v.GetString()!),
                ListOptOuts = ReadMap(json, "listOptOuts", ReadInteger),
                Suppressions = [.. ReadMap(json, "suppressions", ReadInteger).Select(s => KeyValuePair.Create(Reason(s.Key), s.Value))],
                NewestAt = ReadInteger(json.GetProperty("newestAt")),
            };
            var infos = json.GetProperty("infos").EnumerateArray().Select(ReadInfo).ToArray();
            var events = new FoldedEvent[json.GetProperty("events").GetArrayLength()];
            var i = 0;
            var at = 0L;
            foreach (var e in json.GetProperty("events").EnumerateArray())
            {
                at += ReadInteger(e[0]);
                events[i++] = new FoldedEvent(at, e[1].GetString()!, infos[e[2].GetInt32()]);
            }
            document.Events = events;
            if (json.TryGetProperty("compacted", out var compacted))
            {
                document.Compacted = [.. compacted.EnumerateArray().Select(t => new CompactedTotal(
                    Kind(t[0].GetString()), t[1].GetString()!, Action(t[2].GetString()), t[3].GetString(), t[4].GetString(),
                    ReadInteger(t[5]), ReadDouble(t[6]), ReadInteger(t[7])))];
            }
            return document;
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or FormatException)
        {
            throw new JsonException($"not a contact document: {e.Message}", e);
        }
    }

    // An info is [kind, name, action, campaignId, properties, geo, device, value, currency, attributedCampaign, bot] with
    // trailing nulls left off (bot is true or null); the action is null when it is the one the kind and name imply
    // (always, in practice).
    private static void WriteInfo(Utf8JsonWriter writer, EventInfo info)
    {
        var derived = DerivedAction(info.Kind, info.Name);
        var slots = new object?[]
        {
            info.Kind.ToWord(), info.Name, info.Action == derived ? null : Word(info.Action), info.CampaignId,
            info.Properties.Count > 0 ? info.Properties : null, info.Geo, info.Device, info.Value, info.Currency, info.AttributedCampaign,
            info.Bot ? true : null,
        };
        var used = slots.Length;
        while (slots[used - 1] is null)
        {
            used--;
        }
        writer.WriteStartArray();
        foreach (var slot in slots.AsSpan(0, used))
        {
            switch (slot)
            {
                case null: writer.WriteNullValue(); break;
                case string text: writer.WriteStringValue(text); break;
                case bool flag: writer.WriteBooleanValue(flag); break;
                case double number: WriteDouble(writer, number); break;
                case PropertyBag bag: WriteBag(writer, bag); break;
                case TextBag context:
                    writer.WriteStartArray();
                    writer.WriteStringValue(context.First);
                    writer.WriteStringValue(context.Second);
                    writer.WriteStringValue(context.Third);
                    writer.WriteEndArray();
                    break;
            }
        }
        writer.WriteEndArray();
    }

    private static EventInfo ReadInfo(JsonElement json)
    {
        JsonElement? Slot(int i) => i < json.GetArrayLength() && json[i].ValueKind != JsonValueKind.Null ? json[i] : null;
        static TextBag? Context(JsonElement? e) => e is { } c ? new TextBag(c[0].GetString(), c[1].GetString(), c[2].GetString()) : null;
        var kind = Kind(json[0].GetString());
        var name = json[1].GetString()!;
        // Shared like freshly folded contents, so evaluation caches its verdicts per content for stored documents too.
        return EventInfoPool.Shared.Share(new EventInfo(
            kind,
            name,
            Slot(2) is { } action ? Action(action.GetString()) : DerivedAction(kind, name),
            Slot(3)?.GetString(),
            Slot(4) is { } properties ? ReadBag(properties) : PropertyBag.Empty,
            Context(Slot(5)),
            Context(Slot(6)),
            Slot(7) is { } value ? ReadDouble(value) : null,
            Slot(8)?.GetString())
        {
            AttributedCampaign = Slot(9)?.GetString(),
            Bot = Slot(10)?.GetBoolean() ?? false,
        });
    }

    private static EmailAction DerivedAction(EventKind kind, string name) =>
        kind == EventKind.Email ? EventNames.ParseEmailAction(name) : EmailAction.Other;

    private static void WriteBag(Utf8JsonWriter writer, PropertyBag bag)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in bag.Items)
        {
            writer.WritePropertyName(name);
            WriteScalar(writer, value);
        }
        writer.WriteEndObject();
    }

    private static PropertyBag ReadBag(JsonElement json) =>
        new([.. json.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, ReadScalar(p.Value)))]);

    /// <summary>
    /// A scalar as the plain JSON value it was read from (null, string, number, boolean) whenever reading that value
    /// gives it back exactly; anything else (never made by the input reader) as <c>{"k","t","n","d"}</c>.
    /// </summary>
    private static void WriteScalar(Utf8JsonWriter writer, ScalarValue value)
    {
        switch (value.Kind)
        {
            case ValueKind.Missing when value == ScalarValue.Missing:
                writer.WriteNullValue();
                return;
            case ValueKind.Text when value.Text is { } text && value == ScalarValue.OfText(text):
                writer.WriteStringValue(text);
                return;
            case ValueKind.Number when double.IsFinite(value.Number) && value == ScalarValue.OfNumber(value.Number):
                writer.WriteNumberValue(value.Number);
                return;
            case ValueKind.Boolean when value == ScalarValue.OfBoolean(value.Boolean):
                writer.WriteBooleanValue(value.Boolean);
                return;
        }
        writer.WriteStartObject();
        writer.WriteString("k", value.Kind.ToString());
        writer.WriteString("t", value.Text);
        writer.WritePropertyName("n");
        WriteDouble(writer, value.Number);
        writer.WritePropertyName("d");
        if (value.DateTicks is { } ticks)
        {
            WriteInteger(writer, ticks);
        }
        else
        {
            writer.WriteNullValue();
        }
        writer.WriteEndObject();
    }

    private static ScalarValue ReadScalar(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Null => ScalarValue.Missing,
        JsonValueKind.String => ScalarValue.OfText(json.GetString()!),
        JsonValueKind.Number => ScalarValue.OfNumber(json.GetDouble()),
        JsonValueKind.True => ScalarValue.OfBoolean(true),
        JsonValueKind.False => ScalarValue.OfBoolean(false),
        _ => new ScalarValue(
            Enum.Parse<ValueKind>(json.GetProperty("k").GetString()!),
            json.GetProperty("t").GetString(),
            ReadDouble(json.GetProperty("n")),
            json.GetProperty("d").ValueKind == JsonValueKind.Null ? null : ReadInteger(json.GetProperty("d"))),
    };

    /// <summary>The largest integer every JSON reader (JavaScript, Cosmos DB) keeps exactly: 2^53.</summary>
    private const long ExactInDouble = 1L << 53;

    private static void WriteInteger(Utf8JsonWriter writer, long value)
    {
        if (value is >= -ExactInDouble and <= ExactInDouble)
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static long ReadInteger(JsonElement json) =>
        json.ValueKind == JsonValueKind.String ? long.Parse(json.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : json.GetInt64();

    // JSON has no NaN or infinities; a sum that overflowed is written as text so that it still round-trips.
    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static double ReadDouble(JsonElement json) =>
        json.ValueKind == JsonValueKind.String ? double.Parse(json.GetString()!, CultureInfo.InvariantCulture) : json.GetDouble();

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static string? OptionalText(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static void WriteMap<T>(Utf8JsonWriter writer, string name, KeyValuePair<string, T>[] map, Action<Utf8JsonWriter, T> write)
    {
        if (map.Length == 0)
        {
            return;
        }
        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            writer.WritePropertyName(key);
            write(writer, value);
        }
        writer.WriteEndObject();
    }

    private static KeyValuePair<string, T>[] ReadMap<T>(JsonElement json, string name, Func<JsonElement, T> read) =>
        json.TryGetProperty(name, out var map) ? [.. map.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, read(p.Value)))] : [];

    private static string Word(EmailAction action) => action.ToString().ToLowerInvariant();

    private static EmailAction Action(string? word) =>
        Enum.TryParse<EmailAction>(word, ignoreCase: true, out var action) && !char.IsAsciiDigit(word![0])
            ? action
            : throw new JsonException($"unknown email action '{word}'");

    private static EventKind Kind(string? word) =>
        EventNames.TryParseKind(word, out var kind) ? kind : throw new JsonException($"unknown event kind '{word}'");

    private static SuppressionReason Reason(string word) =>
        SuppressionReasons.TryParse(word, out var reason) ? reason : throw new JsonException($"unknown suppression reason '{word}'");
}
