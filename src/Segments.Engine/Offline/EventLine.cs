using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Segments.Engine.Model;

namespace Segments.Engine.Offline;

/// <summary>
/// The fast path of reading an <c>events.jsonl</c> line: one pass of <see cref="Utf8JsonReader"/> that recognises
/// the common, clean shape of an event and finds its id, contact id and time without building anything.
/// It is strict: it accepts a line only when <see cref="Input.InputReader.ReadEvent"/> would read it without a
/// problem (a property test holds it to that), and leaves everything else (a problem, an escaped id, a time
/// with an offset, a duplicate key) to that exact reader, which alone words the errors.
/// </summary>
internal struct EventLine
{
    /// <summary>Where the id, contact id and time values lie in the line (the bytes between the quotes).</summary>
    public Range Id, ContactId, At;

    /// <summary>The time, UTC ticks.</summary>
    public long AtTicks;

    private enum Key
    {
        Id,
        ContactId,
        Kind,
        Name,
        At,
        CampaignId,
        Properties,
        Geo,
        Device,
        Value,
        Currency,
        Bot,
    }

    private const int Required = (1 << (int)Key.Id) | (1 << (int)Key.ContactId) | (1 << (int)Key.Kind) | (1 << (int)Key.Name) | (1 << (int)Key.At);

    /// <summary>True when the line is a clean event; false sends it to the exact reader.</summary>
    public static bool TryScan(ReadOnlySpan<byte> line, out EventLine scanned)
    {
        scanned = default;
        // The exact reader sees the line decoded with replacement characters: leave invalid UTF-8 to it.
        if (!System.Text.Ascii.IsValid(line) && !Utf8.IsValid(line))
        {
            return false;
        }
        try
        {
            var reader = new Utf8JsonReader(line);
            return Scan(ref reader, ref scanned);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool Scan(ref Utf8JsonReader reader, ref EventLine scanned)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped || KeyOf(reader.ValueSpan) is not { } key || (seen & (1 << (int)key)) != 0)
            {
                return false;
            }
            seen |= 1 << (int)key;
            reader.Read();
            var ok = key switch
            {
                Key.Id => Text(ref reader, out scanned.Id),
                Key.ContactId => Text(ref reader, out scanned.ContactId),
                Key.Kind => reader.TokenType == JsonTokenType.String
                    && (reader.ValueTextEquals("email"u8) || reader.ValueTextEquals("pixel"u8) || reader.ValueTextEquals("conversion"u8)),
                Key.Name => reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0,
                Key.At => Text(ref reader, out scanned.At) && TryParseInstant(reader.ValueSpan, out scanned.AtTicks),
                Key.CampaignId or Key.Currency => reader.TokenType is JsonTokenType.String or JsonTokenType.Null,
                Key.Properties => Properties(ref reader),
                Key.Geo or Key.Device => Context(ref reader, key == Key.Geo ? GeoNames : DeviceNames),
                Key.Value => Skip(ref reader),
                _ => reader.TokenType is JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null,
            };
            if (!ok)
            {
                return false;
            }
        }
        // A root object, closed, with nothing after it (the reader throws on a second value).
        return reader.TokenType == JsonTokenType.EndObject && !reader.Read() && (seen & Required) == Required;
    }

    /// <summary>A non-empty string without escapes (an id the record can copy byte for byte).</summary>
    private static bool Text(ref Utf8JsonReader reader, out Range range)
    {
        range = default;
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.ValueSpan.Length == 0)
        {
            return false;
        }
        var start = (int)reader.TokenStartIndex + 1;
        range = new Range(start, start + reader.ValueSpan.Length);
        return true;
    }

    /// <summary>
    /// null, or an object of strings, finite numbers, booleans, nulls, and arrays and objects of those nested no deeper
    /// than <see cref="Input.InputReader.MaxPropertyDepth"/> levels (<c>properties</c> itself the first, as the exact
    /// reader counts them).
    /// </summary>
    private static bool Properties(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null || (reader.TokenType == JsonTokenType.StartObject && Nested(ref reader));

    /// <summary>The rest of the object or array the reader is at the start of, its values as <see cref="Properties"/> takes them.</summary>
    private static bool Nested(ref Utf8JsonReader reader)
    {
        var end = reader.TokenType == JsonTokenType.StartObject ? JsonTokenType.EndObject : JsonTokenType.EndArray;
        while (reader.Read() && reader.TokenType != end)
        {
            var ok = reader.TokenType switch
            {
                JsonTokenType.PropertyName or JsonTokenType.String or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null => true,
                JsonTokenType.Number => reader.TryGetDouble(out var number) && double.IsFinite(number),
                JsonTokenType.StartObject or JsonTokenType.StartArray => reader.CurrentDepth <= Input.InputReader.MaxPropertyDepth && Nested(ref reader),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        return reader.TokenType == end;
    }

    private static readonly byte[][] GeoNames = [.. new[] { "country", "region", "city" }.Select(Encoding.UTF8.GetBytes)];
    private static readonly byte[][] DeviceNames = [.. new[] { "client", "type", "os" }.Select(Encoding.UTF8.GetBytes)];

    /// <summary>null, or an object of its three attribute names (each once), each a string or null.</summary>
    private static bool Context(ref Utf8JsonReader reader, byte[][] names)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = reader.ValueIsEscaped ? -1 : IndexOf(names, reader.ValueSpan);
            if (index < 0 || (seen & (1 << index)) != 0)
            {
                return false;
            }
            seen |= 1 << index;
            reader.Read();
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
            {
                return false;
            }
        }
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static int IndexOf(byte[][] names, ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (name.SequenceEqual(names[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Any value: a conversion value that is not a finite number is a missing value, not a problem.</summary>
    private static bool Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return true;
    }

    private static Key? KeyOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("id"u8) => Key.Id,
        2 when name.SequenceEqual("at"u8) => Key.At,
        3 when name.SequenceEqual("geo"u8) => Key.Geo,
        3 when name.SequenceEqual("bot"u8) => Key.Bot,
        4 when name.SequenceEqual("kind"u8) => Key.Kind,
        4 when name.SequenceEqual("name"u8) => Key.Name,
        5 when name.SequenceEqual("value"u8) => Key.Value,
        6 when name.SequenceEqual("device"u8) => Key.Device,
        8 when name.SequenceEqual("currency"u8) => Key.Currency,
        9 when name.SequenceEqual("contactId"u8) => Key.ContactId,
        10 when name.SequenceEqual("campaignId"u8) => Key.CampaignId,
        10 when name.SequenceEqual("properties"u8) => Key.Properties,
        _ => null,
    };

    /// <summary>
    /// An RFC 3339 date-time as <see cref="DateValue.TryParse"/> reads it: <c>yyyy-MM-ddTHH:mm:ss[.fffffff]Z</c> is
    /// computed here; any other spelling (an offset, a lower-case letter, more digits) goes through that parser.
    /// </summary>
    internal static bool TryParseInstant(ReadOnlySpan<byte> text, out long ticks)
    {
        if (TryParseCanonical(text, out ticks))
        {
            return true;
        }
        if (DateValue.TryParse(Encoding.UTF8.GetString(text), out var value) && !value.IsDay)
        {
            ticks = value.Start.UtcTicks;
            return true;
        }
        return false;
    }

    private static bool TryParseCanonical(ReadOnlySpan<byte> t, out long ticks)
    {
        ticks = 0;
        if (t.Length < 20 || t[^1] != 'Z' || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':')
        {
            return false;
        }
        // Two digits at a time, without a loop: this runs for every event line.
        if (!TwoDigits(t, 0, out var century) | !TwoDigits(t, 2, out var years) | !TwoDigits(t, 5, out var month) | !TwoDigits(t, 8, out var day)
            | !TwoDigits(t, 11, out var hour) | !TwoDigits(t, 14, out var minute) | !TwoDigits(t, 17, out var second))
        {
            return false;
        }
        var year = (century * 100) + years;
        var fraction = 0L;
        if (t.Length > 20)
        {
            var digits = t[20..^1];
            if (t[19] != '.' || digits.Length is 0 or > 7 || !Digits(digits, out var f))
            {
                return false;
            }
            fraction = f;
            for (var i = digits.Length; i < 7; i++)
            {
                fraction *= 10;
            }
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        var leap = DateTime.IsLeapYear(year);
        var daysBefore = leap ? DaysBeforeMonthLeap : DaysBeforeMonth;
        if (day > daysBefore[month] - daysBefore[month - 1])
        {
            return false;
        }
        // As DateTime counts them (the proleptic Gregorian calendar from 0001-01-01), without its checks done twice.
        var y = year - 1;
        long days = (y * 365) + (y / 4) - (y / 100) + (y / 400) + daysBefore[month - 1] + day - 1;
        ticks = (days * TimeSpan.TicksPerDay) + (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute)
            + (second * TimeSpan.TicksPerSecond) + fraction;
        return true;
    }

    private static ReadOnlySpan<int> DaysBeforeMonth => [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

    private static ReadOnlySpan<int> DaysBeforeMonthLeap => [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];

    private static bool TwoDigits(ReadOnlySpan<byte> text, int at, out int value)
    {
        var tens = (uint)(text[at] - '0');
        var ones = (uint)(text[at + 1] - '0');
        value = (int)((tens * 10) + ones);
        return tens <= 9 && ones <= 9;
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            value = (value * 10) + (c - '0');
        }
        return true;
    }
}
