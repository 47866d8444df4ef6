using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Segments.Engine.Model;

namespace Segments.Engine.Documents;

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
///  "listChanges":[["news","639...","e9","unsubscribe"],[null,"639...","e12","subscribe"]],"suppressions":{"hard_bounce":"639..."},
///  "compacted":[["email","open","open","cmp-7",null,12,0,"638..."]],"newestAt":"639..."}
/// </code>
/// </summary>
public static class ContactDocumentJson
{
    /// <summary>The format version, written first; a reader refuses versions it does not know.</summary>
    public const int Version = 1;

    public static byte[] Serialize(ContactDocument document) => Utf8(writer => Write(writer, document, withEvents: true));

    /// <summary>
    /// One info as its own JSON array, the form <see cref="SharedInfo"/> reads. Written once per content and kept on it:
    /// a shared content is in many documents, each written again whenever the fold changes it.
    /// </summary>
    internal static byte[] SerializeInfo(EventInfo info) => info.StoredJson ??= Utf8(writer => WriteInfo(writer, info));

    /// <summary>The document without its events and infos (the rest of <see cref="ContactDocumentBinary"/>'s form) into <paramref name="writer"/>.</summary>
    internal static void WriteWithoutEvents(Utf8JsonWriter writer, ContactDocument document) => Write(writer, document, withEvents: false);

    private static byte[] Utf8(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The shared instance of the info stored as <paramref name="json"/> (see <see cref="InfoCache"/>).</summary>
    internal static EventInfo SharedInfo(ReadOnlySpan<byte> json)
    {
        try
        {
            return InfoCache.Get(json);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new JsonException($"not an event info: {e.Message}", e);
        }
    }

    /// <summary>Reads a document written by <see cref="Write"/>; throws <see cref="JsonException"/> on anything else.</summary>
    public static ContactDocument Deserialize(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return Read(utf8);
        }
        catch (Exception e) when (e is InvalidOperationException or IndexOutOfRangeException or FormatException or ArgumentException)
        {
            throw new JsonException($"not a contact document: {e.Message}", e);
        }
    }

    /// <summary>Writes the document as one JSON object (stores may write it as a property of their own envelope).</summary>
    public static void Write(Utf8JsonWriter writer, ContactDocument document) => Write(writer, document, withEvents: true);

    private static void Write(Utf8JsonWriter writer, ContactDocument document, bool withEvents)
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

        if (withEvents)
        {
            WriteEvents(writer, document);
        }
        if (document.ListChanges.Length > 0)
        {
            writer.WriteStartArray("listChanges");
            foreach (var change in document.ListChanges)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(change.ListId);
                WriteInteger(writer, change.At);
                writer.WriteStringValue(change.EventId);
                writer.WriteStringValue(change.Subscribes ? "subscribe" : "unsubscribe");
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
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
                if (t.Machine)
                {
                    writer.WriteBooleanValue(true); // Written only when true: totals stored before v2 have eight slots.
                }
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
        writer.WritePropertyName("newestAt");
        WriteInteger(writer, document.NewestAt);
        writer.WriteEndObject();
    }

    /// <summary>Each distinct info of the document once, numbered in order of first use: how both stored forms refer to them.</summary>
    internal static Dictionary<EventInfo, int> NumberInfos(ContactDocument document) => NumberInfos(document, []);

    /// <summary>See <see cref="NumberInfos(ContactDocument)"/>, into an empty dictionary (its keys then enumerate in order of first use).</summary>
    internal static Dictionary<EventInfo, int> NumberInfos(ContactDocument document, Dictionary<EventInfo, int> infos)
    {
        foreach (var e in document.Events)
        {
            infos.TryAdd(e.Info, infos.Count);
        }
        return infos;
    }

    private static void WriteEvents(Utf8JsonWriter writer, ContactDocument document)
    {
        var infos = NumberInfos(document);
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
    }

    // Read token by token, with no JsonDocument: a send-time scan reads every document of a partition, and building a
    // tree of the whole body first cost several times the parse.
    private static ContactDocument Read(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        Next(ref reader, JsonTokenType.StartObject);
        var version = 0;
        string? id = null, email = null, firstName = null, lastName = null;
        var createdAt = ScalarValue.Missing;
        var fields = PropertyBag.Empty;
        KeyValuePair<string, string>[] lists = [];
        var listChanges = new List<ListChange>();
        KeyValuePair<string, long>[] suppressions = [];
        CompactedTotal[] compacted = [];
        long? newestAt = null;
        EventInfo[] infos = [];
        var events = new List<(long Delta, string Id, int Info)>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "v":
                    version = reader.GetInt32();
                    if (version != Version)
                    {
                        throw new JsonException($"contact document format version {version} is not {Version}");
                    }
                    break;
                case "id": id = reader.GetString(); break;
                case "email": email = reader.GetString(); break;
                case "firstName": firstName = reader.GetString(); break;
                case "lastName": lastName = reader.GetString(); break;
                case "createdAt": createdAt = ReadScalar(ref reader); break;
                case "fields": fields = ReadBag(ref reader); break;
                case "lists": lists = ReadMap(ref reader, ReadText); break;
                case "infos": infos = ReadInfos(ref reader, utf8); break;
                case "events": ReadEvents(ref reader, events); break;
                case "listChanges": ReadListChanges(ref reader, listChanges); break;
                // Documents stored before v2 kept the earliest unsubscribe per list: the same answers as one change each.
                case "listOptOuts":
                    listChanges.AddRange(ReadMap(ref reader, ReadInteger).Select(o => new ListChange(o.Key, o.Value, "", Subscribes: false)));
                    break;
                case "suppressions": suppressions = ReadMap(ref reader, ReadInteger); break;
                case "compacted": compacted = ReadCompacted(ref reader); break;
                case "newestAt": newestAt = ReadInteger(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        if (version != Version || id is null || newestAt is null)
        {
            throw new JsonException("a contact document needs \"v\", \"id\" and \"newestAt\"");
        }
        var folded = new FoldedEvent[events.Count];
        var at = 0L;
        for (var i = 0; i < folded.Length; i++)
        {
            at += events[i].Delta;
            folded[i] = new FoldedEvent(at, events[i].Id, infos[events[i].Info]);
        }
        return new ContactDocument(id)
        {
            Email = email,
            FirstName = firstName,
            LastName = lastName,
            CreatedAt = createdAt,
            Fields = fields,
            Lists = lists,
            // Before v2, the global unsubscribe was kept as a suppression: it is the first global change.
            ListChanges = [.. listChanges.Concat(suppressions.Where(s => Reason(s.Key) == SuppressionReason.Unsubscribed)
                    .Select(s => new ListChange(null, s.Value, "", Subscribes: false)))
                .Order(Comparer<ListChange>.Create(ListChange.Compare))],
            Suppressions = [.. suppressions.Select(s => KeyValuePair.Create(Reason(s.Key), s.Value)).Where(s => s.Key != SuppressionReason.Unsubscribed)],
            NewestAt = newestAt.Value,
            Events = folded,
            Compacted = compacted,
        };
    }

    private delegate T ValueReader<out T>(ref Utf8JsonReader reader);

    /// <summary>Moves to the next token, which must be of the <paramref name="expected"/> type.</summary>
    private static void Next(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (!reader.Read())
        {
            throw new JsonException($"expected {expected} at byte {reader.BytesConsumed}, found the end");
        }
        Expect(ref reader, expected);
    }

    /// <summary>The current token must be of the <paramref name="expected"/> type.</summary>
    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (reader.TokenType != expected)
        {
            throw new JsonException($"expected {expected} at byte {reader.TokenStartIndex}, found {reader.TokenType}");
        }
    }

    private static void ReadListChanges(ref Utf8JsonReader reader, List<ListChange> changes)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            reader.Read();
            var listId = reader.GetString();
            reader.Read();
            var at = ReadInteger(ref reader);
            reader.Read();
            var eventId = reader.GetString() ?? throw new JsonException("a list change needs an event id");
            reader.Read();
            var subscribes = reader.GetString() switch
            {
                "subscribe" => true,
                "unsubscribe" => false,
                var other => throw new JsonException($"a list change is a subscribe or an unsubscribe, not '{other}'"),
            };
            Next(ref reader, JsonTokenType.EndArray);
            changes.Add(new ListChange(listId, at, eventId, subscribes));
        }
        Expect(ref reader, JsonTokenType.EndArray);
    }

    // Each event is [ticksSincePrevious, id, infoIndex]; times stay deltas, and indexes unresolved, until all is read.
    private static void ReadEvents(ref Utf8JsonReader reader, List<(long Delta, string Id, int Info)> events)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            reader.Read();
            var delta = ReadInteger(ref reader);
            Next(ref reader, JsonTokenType.String);
            var id = reader.GetString()!;
            Next(ref reader, JsonTokenType.Number);
            var info = reader.GetInt32();
            Next(ref reader, JsonTokenType.EndArray);
            events.Add((delta, id, info));
        }
        Expect(ref reader, JsonTokenType.EndArray);
    }

    private static EventInfo[] ReadInfos(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        var infos = new List<EventInfo>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            infos.Add(InfoCache.Get(utf8[start..(int)reader.BytesConsumed]));
        }
        Expect(ref reader, JsonTokenType.EndArray);
        return [.. infos];
    }

    /// <summary>
    /// Infos by their stored bytes: the same few thousand contents recur across a million documents, and decoding one
    /// (then finding its shared instance in <see cref="EventInfoPool"/>) costs far more than hashing its bytes. Bytes
    /// decode to one content, so the cache only answers what decoding would. Bounded like the pool.
    /// </summary>
    private static class InfoCache
    {
        private const int Capacity = 1_000_000;
        private static readonly ConcurrentDictionary<byte[], EventInfo> Items = new(BytesComparer.Randomized);
        private static readonly ConcurrentDictionary<byte[], EventInfo>.AlternateLookup<ReadOnlySpan<byte>> Lookup =
            Items.GetAlternateLookup<ReadOnlySpan<byte>>();
        private static int _count;

        public static EventInfo Get(ReadOnlySpan<byte> stored)
        {
            if (Lookup.TryGetValue(stored, out var info))
            {
                return info;
            }
            var reader = new Utf8JsonReader(stored);
            reader.Read();
            info = ReadInfo(ref reader);
            if (Volatile.Read(ref _count) < Capacity && Items.TryAdd(stored.ToArray(), info))
            {
                Interlocked.Increment(ref _count);
            }
            return info;
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

    private static EventInfo ReadInfo(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        Next(ref reader, JsonTokenType.String);
        var kind = Kind(reader.GetString());
        Next(ref reader, JsonTokenType.String);
        var name = reader.GetString()!;
        EmailAction? action = null;
        string? campaignId = null, currency = null, attributedCampaign = null;
        var properties = PropertyBag.Empty;
        TextBag? geo = null, device = null;
        double? value = null;
        var bot = false;
        for (var slot = 2; reader.Read() && reader.TokenType != JsonTokenType.EndArray; slot++)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }
            switch (slot)
            {
                case 2: action = Action(reader.GetString()); break;
                case 3: campaignId = reader.GetString(); break;
                case 4: properties = ReadBag(ref reader); break;
                case 5: geo = ReadContext(ref reader); break;
                case 6: device = ReadContext(ref reader); break;
                case 7: value = ReadDouble(ref reader); break;
                case 8: currency = reader.GetString(); break;
                case 9: attributedCampaign = reader.GetString(); break;
                case 10: bot = reader.GetBoolean(); break;
                default: throw new JsonException($"an event info has at most 11 slots (byte {reader.TokenStartIndex})");
            }
        }
        // Shared like freshly folded contents, so evaluation caches its verdicts per content for stored documents too.
        return EventInfoPool.Shared.Share(new EventInfo(
            kind, name, action ?? DerivedAction(kind, name), campaignId, properties, geo, device, value, currency)
        {
            AttributedCampaign = attributedCampaign,
            Bot = bot,
        });
    }

    private static TextBag ReadContext(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        reader.Read();
        var first = reader.GetString();
        reader.Read();
        var second = reader.GetString();
        reader.Read();
        var third = reader.GetString();
        Next(ref reader, JsonTokenType.EndArray);
        return new TextBag(first, second, third);
    }

    private static CompactedTotal[] ReadCompacted(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        var totals = new List<CompactedTotal>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            reader.Read();
            var kind = Kind(reader.GetString());
            reader.Read();
            var name = reader.GetString()!;
            reader.Read();
            var action = Action(reader.GetString());
            reader.Read();
            var campaignId = reader.GetString();
            reader.Read();
            var attributedCampaign = reader.GetString();
            reader.Read();
            var count = ReadInteger(ref reader);
            reader.Read();
            var valueSum = ReadDouble(ref reader);
            reader.Read();
            var newestAt = ReadInteger(ref reader);
            reader.Read();
            var machine = reader.TokenType == JsonTokenType.True;
            if (machine)
            {
                reader.Read();
            }
            Expect(ref reader, JsonTokenType.EndArray);
            totals.Add(new CompactedTotal(kind, name, action, campaignId, attributedCampaign, count, valueSum, newestAt, machine));
        }
        Expect(ref reader, JsonTokenType.EndArray);
        return [.. totals];
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

    private static PropertyBag ReadBag(ref Utf8JsonReader reader) => new(ReadMap(ref reader, ReadScalar));

    /// <summary>
    /// A scalar as the plain JSON value it was read from (null, string, number, boolean) whenever reading that value
    /// gives it back exactly; anything else (never made by the input reader) as <c>{"k","t","n","d"}</c>. A list is a
    /// JSON array of its items, a record <c>{"o":{...}}</c> (so it cannot be taken for the form above).
    /// </summary>
    private static void WriteScalar(Utf8JsonWriter writer, ScalarValue value)
    {
        switch (value.Kind)
        {
            case ValueKind.List when value.List is { } list:
                writer.WriteStartArray();
                foreach (var item in list.Items)
                {
                    WriteScalar(writer, item);
                }
                writer.WriteEndArray();
                return;
            case ValueKind.Record when value.Record is { } record:
                writer.WriteStartObject();
                writer.WritePropertyName("o");
                WriteBag(writer, record);
                writer.WriteEndObject();
                return;
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

    private static ScalarValue ReadScalar(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return ScalarValue.Missing;
            case JsonTokenType.String: return ScalarValue.OfText(reader.GetString()!);
            case JsonTokenType.Number: return ScalarValue.OfNumber(reader.GetDouble());
            case JsonTokenType.True: return ScalarValue.OfBoolean(true);
            case JsonTokenType.False: return ScalarValue.OfBoolean(false);
            case JsonTokenType.StartArray:
                var items = new List<ScalarValue>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadScalar(ref reader));
                }
                return ScalarValue.OfList(new ValueList([.. items]));
        }
        Expect(ref reader, JsonTokenType.StartObject);
        var start = reader;
        if (reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("o"))
        {
            reader.Read();
            var record = ReadBag(ref reader);
            Next(ref reader, JsonTokenType.EndObject);
            return ScalarValue.OfRecord(record);
        }
        reader = start;
        ValueKind? kind = null;
        string? text = null;
        double? number = null;
        long? date = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "k": kind = Enum.Parse<ValueKind>(reader.GetString()!); break;
                case "t": text = reader.GetString(); break;
                case "n": number = ReadDouble(ref reader); break;
                case "d": date = reader.TokenType == JsonTokenType.Null ? null : ReadInteger(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        return new ScalarValue(kind ?? throw new JsonException("a stored value needs \"k\""), text,
            number ?? throw new JsonException("a stored value needs \"n\""), date);
    }

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

    private static long ReadInteger(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String
            ? long.Parse(reader.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : reader.GetInt64();

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

    private static double ReadDouble(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? double.Parse(reader.GetString()!, CultureInfo.InvariantCulture) : reader.GetDouble();

    private static string ReadText(ref Utf8JsonReader reader) => reader.GetString() ?? throw new JsonException($"null at byte {reader.TokenStartIndex}");

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

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

    private static KeyValuePair<string, T>[] ReadMap<T>(ref Utf8JsonReader reader, ValueReader<T> read)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        var items = new List<KeyValuePair<string, T>>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            items.Add(KeyValuePair.Create(name, read(ref reader)));
        }
        Expect(ref reader, JsonTokenType.EndObject);
        return [.. items];
    }

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
