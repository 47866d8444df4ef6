using System.Globalization;

namespace Segments.Engine.Model;

public enum ValueKind : byte
{
    Missing,
    Text,
    Number,
    Boolean,

    /// <summary>A JSON array (<see cref="ScalarValue.List"/>): a tags field, or a nested event property.</summary>
    List,

    /// <summary>A JSON object (<see cref="ScalarValue.Record"/>): a nested event property.</summary>
    Record,
}

/// <summary>
/// A value of a profile field or an event property: a scalar, or (since v2) an array or object of values. Text that
/// reads as an RFC 3339 date or date-time also carries that instant, parsed once when the value is read rather than at
/// every evaluation. Arrays and objects compare by content, so events with equal nested properties share one info.
/// </summary>
public readonly record struct ScalarValue(ValueKind Kind, string? Text, double Number, long? DateTicks)
{
    public static readonly ScalarValue Missing = default;

    /// <summary>The <see cref="ValueList"/> or <see cref="PropertyBag"/> of a list or record (content equality).</summary>
    private object? Nested { get; init; }

    public static ScalarValue OfList(ValueList items) => new(ValueKind.List, null, 0, null) { Nested = items };

    public static ScalarValue OfRecord(PropertyBag record) => new(ValueKind.Record, null, 0, null) { Nested = record };

    /// <summary>The items of a list, else null.</summary>
    public ValueList? List => Nested as ValueList;

    /// <summary>The named values of a record, else null.</summary>
    public PropertyBag? Record => Nested as PropertyBag;

    /// <summary>A list whose every item is text: the only value a <c>tags</c> field reads (empty included).</summary>
    public bool IsTextList
    {
        get
        {
            if (Nested is not ValueList list)
            {
                return false;
            }
            foreach (var item in list.Items)
            {
                if (item.Kind != ValueKind.Text)
                {
                    return false;
                }
            }
            return true;
        }
    }

    public static ScalarValue OfText(string text) =>
        new(ValueKind.Text, text, 0, DateValue.TryParse(text, out var d) ? d.Start.UtcTicks : null);

    public static ScalarValue OfNumber(double number) => new(ValueKind.Number, null, number, null);

    public static ScalarValue OfBoolean(bool value) => new(ValueKind.Boolean, null, value ? 1 : 0, null);

    public bool Boolean => Number != 0;

    /// <summary>The value as JSON shows it: a string, a number, a boolean, an array or object of those, or null when missing.</summary>
    public object? ToPlain() => Kind switch
    {
        ValueKind.Text => Text,
        ValueKind.Number => Number,
        ValueKind.Boolean => Boolean,
        ValueKind.List => List!.Items.Select(i => i.ToPlain()).ToArray(),
        ValueKind.Record => Record!.Items.ToDictionary(i => i.Key, i => i.Value.ToPlain()),
        ValueKind.Missing => null,
    };

    public override string ToString() => Kind switch
    {
        ValueKind.Text => Text!,
        ValueKind.Number => Number.ToString(CultureInfo.InvariantCulture),
        ValueKind.Boolean => Boolean ? "true" : "false",
        ValueKind.List => $"[{string.Join(", ", List!.Items)}]",
        ValueKind.Record => $"{{{string.Join(", ", Record!.Items.Select(i => $"{i.Key}: {i.Value}"))}}}",
        _ => "(missing)",
    };
}

/// <summary>A date value of the language: a date-time instant, or a whole UTC day.</summary>
public readonly record struct DateValue(DateTimeOffset Start, bool IsDay)
{
    /// <summary>The instant after the value: the end of the day for a day, the instant itself otherwise.</summary>
    public DateTimeOffset End => IsDay ? Start.AddDays(1) : Start;

    private static readonly string[] DayFormats = ["yyyy-MM-dd"];

    /// <summary>RFC 3339: <c>2026-11-01</c> (a UTC day) or <c>2026-11-01T10:00:00Z</c> / with an offset.</summary>
    public static bool TryParse(string text, out DateValue value)
    {
        value = default;
        if (text.Length == 10 && DateTime.TryParseExact(text, DayFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day))
        {
            value = new DateValue(new DateTimeOffset(day, TimeSpan.Zero), true);
            return true;
        }
        if (text.Length >= 20 && text[10] is 'T' or 't' && (text.EndsWith('Z') || text.EndsWith('z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            value = new DateValue(instant.ToUniversalTime(), false);
            return true;
        }
        return false;
    }
}

/// <summary>Named scalars (event properties), kept as a small array: events carry few properties.</summary>
public sealed class PropertyBag : IEquatable<PropertyBag>
{
    public static readonly PropertyBag Empty = new([]);

    private readonly KeyValuePair<string, ScalarValue>[] _items;

    public PropertyBag(KeyValuePair<string, ScalarValue>[] items) => _items = items;

    public int Count => _items.Length;

    /// <summary>A bag of these items by name (ordinal); of a name given more than once, the last one wins.</summary>
    public static PropertyBag From(IReadOnlyList<KeyValuePair<string, ScalarValue>> items)
    {
        if (items.Count == 0)
        {
            return Empty;
        }
        // Insertion sort, stable (repeated names stay in the order given) and quick for the few properties an
        // event or a profile carries.
        var sorted = items.ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            var item = sorted[i];
            var j = i - 1;
            for (; j >= 0 && string.CompareOrdinal(sorted[j].Key, item.Key) > 0; j--)
            {
                sorted[j + 1] = sorted[j];
            }
            sorted[j + 1] = item;
        }
        var kept = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i + 1 == sorted.Length || sorted[i + 1].Key != sorted[i].Key)
            {
                sorted[kept++] = sorted[i];
            }
        }
        return new PropertyBag(kept == sorted.Length ? sorted : sorted[..kept]);
    }

    public IReadOnlyList<KeyValuePair<string, ScalarValue>> Items => _items;

    /// <summary>Property names are exact; values compare case-insensitively where they are text.</summary>
    public ScalarValue Get(string name)
    {
        foreach (var item in _items)
        {
            if (string.Equals(item.Key, name, StringComparison.Ordinal))
            {
                return item.Value;
            }
        }
        return ScalarValue.Missing;
    }

    public bool Equals(PropertyBag? other) =>
        other is not null && (ReferenceEquals(this, other) || _items.AsSpan().SequenceEqual(other._items));

    public override bool Equals(object? obj) => Equals(obj as PropertyBag);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item.Key);
            hash.Add(item.Value);
        }
        return hash.ToHashCode();
    }
}

/// <summary>
/// The text attributes of a non-empty geo (<c>country</c>, <c>region</c>, <c>city</c>) or device (<c>client</c>,
/// <c>type</c>, <c>os</c>) object; an attribute absent, null or not text is null (a missing value).
/// </summary>
public sealed record TextBag(string? First, string? Second, string? Third)
{
    public string? Get(int index) => index switch { 0 => First, 1 => Second, _ => Third };
}

/// <summary>The items of a JSON array value, compared by content.</summary>
public sealed class ValueList(ScalarValue[] items) : IEquatable<ValueList>
{
    public IReadOnlyList<ScalarValue> Items => items;

    public bool Equals(ValueList? other) =>
        other is not null && (ReferenceEquals(this, other) || items.AsSpan().SequenceEqual(other.Items is ScalarValue[] o ? o : [.. other.Items]));

    public override bool Equals(object? obj) => Equals(obj as ValueList);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in items)
        {
            hash.Add(item);
        }
        return hash.ToHashCode();
    }
}
