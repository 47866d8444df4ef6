using System.Text.Json;
using System.Text.Unicode;
using Segments.Engine.Documents;
using Segments.Engine.Model;

namespace Segments.Engine.Offline;

/// <summary>
/// The fast path of reading a <c>contacts.jsonl</c> line: one pass of <see cref="Utf8JsonReader"/> that builds the
/// document of the profile <see cref="Input.InputReader.ReadContact"/> would read (<see cref="ContactDocument.WithProfile"/>),
/// for lines it reads without a problem. It is strict (a property test holds it to that reader): a problem, an
/// unknown or repeated key, an unexpected type all go to the exact reader, which alone words the errors. What many
/// contacts share comes from a pool: short texts (field and list names, statuses, plans), creation times and whole
/// list-status maps, so a million documents do not hold a million copies of "subscribed". Without a pool it only
/// checks (<see cref="TryCheck"/>): the same pass, nothing built.
/// </summary>
internal static class ContactLine
{
    public static ContactDocument? TryRead(ReadOnlySpan<byte> line, TextPool texts) => TryRead(line, texts, out _, out var document) ? document : null;

    /// <summary>The id of a line <see cref="TryRead"/> reads (null when it does not), its document not built.</summary>
    public static string? TryCheck(ReadOnlySpan<byte> line) => TryRead(line, null, out var id, out _) ? id : null;

    /// <param name="texts">The pool to build the document with; null to check the line only.</param>
    private static bool TryRead(ReadOnlySpan<byte> line, TextPool? texts, out string? id, out ContactDocument? document)
    {
        id = null;
        document = null;
        if (!System.Text.Ascii.IsValid(line) && !Utf8.IsValid(line) || ExactLine.EscapesSurrogate(line))
        {
            return false;
        }
        try
        {
            var reader = new Utf8JsonReader(line);
            return Read(ref reader, line, texts, out id, out document);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, TextPool? texts, out string? id, out ContactDocument? document)
    {
        id = null;
        document = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        string? email = null, firstName = null, lastName = null;
        var createdAt = ScalarValue.Missing;
        var fields = PropertyBag.Empty;
        KeyValuePair<string, string>[] lists = [];
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.ValueIsEscaped ? -1 : KeyOf(reader.ValueSpan);
            if (key < 0 || (seen & (1 << key)) != 0)
            {
                return false;
            }
            seen |= 1 << key;
            reader.Read();
            switch (key)
            {
                case 0:
                    if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length == 0)
                    {
                        return false;
                    }
                    id = reader.GetString();
                    break;
                case 1: email = TextOrMissing(ref reader, texts); break;
                case 2: firstName = TextOrMissing(ref reader, texts); break;
                case 3: lastName = TextOrMissing(ref reader, texts); break;
                case 4:
                    // Any value will do (not a date is missing). Through the pool: a date text is parsed once per distinct
                    // text (OfText parses it as DateValue does).
                    if (reader.TokenType == JsonTokenType.String && texts is not null)
                    {
                        createdAt = texts.CreatedAt(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                    break;
                case 5:
                    if (Scalars(ref reader, texts) is not { } bag)
                    {
                        return false;
                    }
                    fields = bag;
                    break;
                default:
                    if (Lists(ref reader, line, texts) is not { } statuses)
                    {
                        return false;
                    }
                    lists = statuses;
                    break;
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || id is null)
        {
            return false;
        }
        if (texts is null)
        {
            return true;
        }
        document = new ContactDocument(id)
        {
            Email = email,
            FirstName = firstName,
            LastName = lastName,
            CreatedAt = createdAt,
            Fields = fields,
            Lists = lists,
        };
        return true;
    }

    private static int KeyOf(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("id"u8) ? 0
        : name.SequenceEqual("email"u8) ? 1
        : name.SequenceEqual("firstName"u8) ? 2
        : name.SequenceEqual("lastName"u8) ? 3
        : name.SequenceEqual("createdAt"u8) ? 4
        : name.SequenceEqual("fields"u8) ? 5
        : name.SequenceEqual("lists"u8) ? 6
        : -1;

    /// <summary>A built-in field: a string, or missing when of any other type (the language's rule, not a problem).</summary>
    private static string? TextOrMissing(ref Utf8JsonReader reader, TextPool? texts)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return texts is null ? null : reader.GetString();
        }
        reader.Skip();
        return null;
    }

    /// <summary>
    /// null (none), or an object of values as <see cref="Input.JsonFields.ReadValues"/> reads profile fields (strings,
    /// finite numbers, booleans, nulls, and arrays and objects of those, a tags field among them); null when anything else.
    /// </summary>
    private static PropertyBag? Scalars(ref Utf8JsonReader reader, TextPool? texts)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return PropertyBag.Empty;
        }
        return reader.TokenType == JsonTokenType.StartObject ? Record(ref reader, texts) : null;
    }

    /// <summary>The object the reader is at the start of (empty when only checked); null when a value in it is not one the fast path takes.</summary>
    private static PropertyBag? Record(ref Utf8JsonReader reader, TextPool? texts)
    {
        var items = texts?.RentItems();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = texts?.Name(ref reader);
            reader.Read();
            if (Value(ref reader, texts) is not { } value)
            {
                return null;
            }
            items?.Add(new(name!, value));
        }
        if (items is null)
        {
            return PropertyBag.Empty;
        }
        var bag = PropertyBag.From(items);
        texts!.Return(items);
        return bag;
    }

    /// <summary>
    /// The value the reader is at, as <see cref="Input.JsonFields.Value"/> reads it (missing when only checked); null for a
    /// number that is not finite.
    /// </summary>
    private static ScalarValue? Value(ref Utf8JsonReader reader, TextPool? texts)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String: return texts is null ? ScalarValue.Missing : texts.Scalar(ref reader);
            case JsonTokenType.Number: return reader.TryGetDouble(out var number) && double.IsFinite(number) ? ScalarValue.OfNumber(number) : null;
            case JsonTokenType.True: return ScalarValue.OfBoolean(true);
            case JsonTokenType.False: return ScalarValue.OfBoolean(false);
            case JsonTokenType.Null: return ScalarValue.Missing;
            case JsonTokenType.StartObject: return Record(ref reader, texts) is { } record ? ScalarValue.OfRecord(record) : null;
            case JsonTokenType.StartArray:
                var items = texts is null ? null : new List<ScalarValue>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (Value(ref reader, texts) is not { } item)
                    {
                        return null;
                    }
                    items?.Add(item);
                }
                return items is null ? ScalarValue.Missing : ScalarValue.OfList(new ValueList([.. items]));
            default: return null;
        }
    }

    /// <summary>
    /// null (none), or an object of non-empty strings, as the document holds them; null when anything else. An object
    /// whose bytes were read before is that object again, so it is not read twice.
    /// </summary>
    private static KeyValuePair<string, string>[]? Lists(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, TextPool? texts)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        if (texts is null)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length == 0)
                {
                    return null;
                }
            }
            return [];
        }
        var start = (int)reader.TokenStartIndex;
        var end = reader;
        end.Skip();
        var bytes = line[start..(int)end.BytesConsumed];
        if (texts.Lists(bytes) is { } known)
        {
            reader = end;
            return known;
        }
        var lists = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = texts.Name(ref reader);
            reader.Read();
            if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length == 0)
            {
                return null;
            }
            lists[name] = texts.Name(ref reader);
        }
        return texts.AddLists(bytes, ContactDocument.ListsInOrder(lists));
    }
}

/// <summary>
/// One worker's pool of short texts that repeat from line to line (names, statuses, small values, creation times,
/// list-status objects), keyed by their bytes in the line. Bounded: past <see cref="Capacity"/> of a kind it stops
/// pooling that kind. What it hands out is shared, so it is never changed (documents are immutable).
/// </summary>
internal sealed class TextPool
{
    public const int Capacity = 1 << 14;

    private const int MaxLength = 48;

    private const int MaxListsLength = 256;

    private readonly Stack<List<KeyValuePair<string, ScalarValue>>> _items = new();
    private readonly Dictionary<byte[], ScalarValue> _created = new(BytesComparer.Unseeded);
    private readonly Dictionary<byte[], ScalarValue>.AlternateLookup<ReadOnlySpan<byte>> _createdLookup;
    private readonly Dictionary<byte[], KeyValuePair<string, string>[]> _lists = new(BytesComparer.Unseeded);
    private readonly Dictionary<byte[], KeyValuePair<string, string>[]>.AlternateLookup<ReadOnlySpan<byte>> _listsLookup;

    private readonly Dictionary<byte[], string> _names = new(BytesComparer.Unseeded);
    private readonly Dictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> _nameLookup;
    private readonly Dictionary<byte[], ScalarValue> _scalars = new(BytesComparer.Unseeded);
    private readonly Dictionary<byte[], ScalarValue>.AlternateLookup<ReadOnlySpan<byte>> _scalarLookup;

    public TextPool()
    {
        _nameLookup = _names.GetAlternateLookup<ReadOnlySpan<byte>>();
        _scalarLookup = _scalars.GetAlternateLookup<ReadOnlySpan<byte>>();
        _createdLookup = _created.GetAlternateLookup<ReadOnlySpan<byte>>();
        _listsLookup = _lists.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>The current string token as a document's <c>createdAt</c> (<see cref="ContactDocument.CreatedAtValue"/>), made once per distinct text.</summary>
    public ScalarValue CreatedAt(ref Utf8JsonReader reader)
    {
        if (_createdLookup.TryGetValue(reader.ValueSpan, out var value))
        {
            return value;
        }
        var bytes = reader.ValueSpan;
        value = ContactDocument.CreatedAtValue(Scalar(ref reader).DateTicks is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null);
        if (_created.Count < Capacity && bytes.Length <= MaxLength)
        {
            _created[bytes.ToArray()] = value;
        }
        return value;
    }

    /// <summary>The list statuses of an object read before, by its bytes in the line; null when it was not.</summary>
    public KeyValuePair<string, string>[]? Lists(ReadOnlySpan<byte> bytes) => _listsLookup.TryGetValue(bytes, out var lists) ? lists : null;

    /// <summary>Remembers the list statuses of an object, by its bytes in the line; returns them.</summary>
    public KeyValuePair<string, string>[] AddLists(ReadOnlySpan<byte> bytes, KeyValuePair<string, string>[] lists)
    {
        if (_lists.Count < Capacity && bytes.Length <= MaxListsLength)
        {
            _lists[bytes.ToArray()] = lists;
        }
        return lists;
    }

    /// <summary>An empty list to gather an object's items in (objects nest, so one a level); <see cref="Return"/> it once copied.</summary>
    public List<KeyValuePair<string, ScalarValue>> RentItems() => _items.TryPop(out var items) ? items : [];

    public void Return(List<KeyValuePair<string, ScalarValue>> items)
    {
        items.Clear();
        _items.Push(items);
    }

    /// <summary>The current token's text (a property name or a string).</summary>
    public string Name(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > MaxLength)
        {
            return reader.GetString()!;
        }
        if (_nameLookup.TryGetValue(reader.ValueSpan, out var text))
        {
            return text;
        }
        text = reader.GetString()!;
        if (_names.Count < Capacity)
        {
            _names[reader.ValueSpan.ToArray()] = text;
        }
        return text;
    }

    /// <summary>The current string token as a field value (a date text carries its instant, parsed once per distinct text).</summary>
    public ScalarValue Scalar(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > MaxLength)
        {
            return ScalarValue.OfText(reader.GetString()!);
        }
        if (_scalarLookup.TryGetValue(reader.ValueSpan, out var value))
        {
            return value;
        }
        value = ScalarValue.OfText(reader.GetString()!);
        if (_scalars.Count < Capacity)
        {
            _scalars[reader.ValueSpan.ToArray()] = value;
        }
        return value;
    }
}
