using System.Text.RegularExpressions;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Core.Ingestion;

/// <summary>
/// The limits every ingested event must keep, whatever its source (the pixel or the sending pipeline), checked
/// after the event was read: id and name shapes, lengths, property counts, well-formed text, and times that
/// are not far in the future (nor, for the pixel, long past). Errors carry the JSON path of the offending value.
/// </summary>
public sealed partial class EventRules(IngestionLimits limits, TimeProvider time)
{
    /// <summary>Longer contact ids do not fit a store key.</summary>
    public const int MaxContactIdLength = 255;

    /// <summary>The earliest event time taken: older is a wrong clock or a made-up date, and windows reach years back from it.</summary>
    public static readonly DateTimeOffset Earliest = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Geo and device values (a city name is the longest).</summary>
    public const int MaxContextLength = 128;

    public IngestionLimits Limits => limits;

    /// <summary>Adds what is wrong with <paramref name="e"/> to <paramref name="errors"/>; true when nothing is.</summary>
    public bool Check(ContactEvent e, string path, bool fromPixel, List<ValidationError> errors)
    {
        var before = errors.Count;
        if (e.Id.Length > limits.MaxIdLength || !IdShape().IsMatch(e.Id))
        {
            errors.Add(new($"{path}.id", $"an event id has 1 to {limits.MaxIdLength} letters, digits, '_', '-', '.' or ':' (a UUID fits)"));
        }
        if (!IsContactId(e.ContactId))
        {
            errors.Add(new($"{path}.contactId", $"a contact id has 1 to {MaxContactIdLength} characters, none of them control characters or '|'"));
        }
        CheckName(e.Name, $"{path}.name", "an event name", errors);
        var now = time.GetUtcNow();
        if (e.At < Earliest)
        {
            errors.Add(new($"{path}.at", $"'{Rfc3339.Format(e.At)}' is before 1970; no event of an email or a website is that old"));
        }
        else if (e.At > now + limits.MaxFutureSkew)
        {
            errors.Add(new($"{path}.at", $"'{Rfc3339.Format(e.At)}' is more than {Words(limits.MaxFutureSkew)} in the future"));
        }
        else if (fromPixel && e.At < now - limits.MaxPixelEventAge)
        {
            errors.Add(new($"{path}.at", $"'{Rfc3339.Format(e.At)}' is more than {Words(limits.MaxPixelEventAge)} in the past"));
        }
        if (e.CampaignId is { } campaign && (campaign.Length > limits.MaxIdLength || !IsPlainText(campaign)))
        {
            errors.Add(new($"{path}.campaignId", $"a campaign id has at most {limits.MaxIdLength} characters and no control characters"));
        }
        if (e.Properties.Count > limits.MaxProperties)
        {
            errors.Add(new($"{path}.properties", $"{e.Properties.Count} properties; at most {limits.MaxProperties} are accepted"));
        }
        var values = 0;
        CheckRecord(e.Properties, $"{path}.properties", ref values, errors);
        if (values > limits.MaxPropertyValues)
        {
            errors.Add(new($"{path}.properties", $"{values} values in all (nested ones included); at most {limits.MaxPropertyValues} are accepted"));
        }
        CheckContext(e.Geo, $"{path}.geo", ["country", "region", "city"], errors);
        CheckContext(e.Device, $"{path}.device", ["client", "type", "os"], errors);
        if (e.Currency is { } currency && !CurrencyShape().IsMatch(currency))
        {
            errors.Add(new($"{path}.currency", "a currency is a three-letter ISO 4217 code such as EUR"));
        }
        return errors.Count == before;
    }

    /// <summary>Names and text at every depth of the properties (nested objects and arrays, v2); counts the values.</summary>
    private void CheckRecord(PropertyBag record, string path, ref int values, List<ValidationError> errors)
    {
        foreach (var (key, value) in record.Items)
        {
            CheckName(key, $"{path}.{key}", "a property name", errors);
            CheckValue(value, $"{path}.{key}", ref values, errors);
        }
    }

    private void CheckValue(in ScalarValue value, string path, ref int values, List<ValidationError> errors)
    {
        values++;
        switch (value.Kind)
        {
            case ValueKind.Text when value.Text!.Length > limits.MaxTextLength || !IsWellFormed(value.Text):
                errors.Add(new(path, $"a text value has at most {limits.MaxTextLength} characters of well-formed Unicode"));
                break;
            case ValueKind.Record:
                CheckRecord(value.Record!, path, ref values, errors);
                break;
            case ValueKind.List:
                for (var i = 0; i < value.List!.Items.Count; i++)
                {
                    CheckValue(value.List.Items[i], $"{path}[{i}]", ref values, errors);
                }
                break;
        }
    }

    /// <summary>Contact ids come from the caller (the API) or from a token: printable, store-sized, and token-safe.</summary>
    public static bool IsContactId(string id) =>
        id.Length is > 0 and <= MaxContactIdLength && IsPlainText(id) && !id.Contains('|');

    private void CheckName(string name, string path, string what, List<ValidationError> errors)
    {
        if (name.Length > limits.MaxNameLength || !NameShape().IsMatch(name))
        {
            errors.Add(new(path, $"{what} has 1 to {limits.MaxNameLength} letters, digits, spaces, '_', '-', '.', ':' or '/', starting with a letter, digit or '_'"));
        }
    }

    private static void CheckContext(TextBag? context, string path, string[] names, List<ValidationError> errors)
    {
        for (var i = 0; context is not null && i < names.Length; i++)
        {
            if (context.Get(i) is { } text && (text.Length > MaxContextLength || !IsPlainText(text)))
            {
                errors.Add(new($"{path}.{names[i]}", $"at most {MaxContextLength} characters, no control characters"));
            }
        }
    }

    /// <summary>No control characters and no lone surrogates (which no UTF-8 encoder can write).</summary>
    public static bool IsPlainText(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }
        return IsWellFormed(text);
    }

    /// <summary>Every surrogate is half of a pair: the text can be written as UTF-8.</summary>
    public static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static string Words(TimeSpan span) =>
        span.TotalDays >= 1 && span.Ticks % TimeSpan.TicksPerDay == 0 ? $"{span.TotalDays:0} days"
        : span.TotalHours >= 1 && span.Ticks % TimeSpan.TicksPerHour == 0 ? $"{span.TotalHours:0} hours"
        : $"{span.TotalMinutes:0} minutes";

    [GeneratedRegex("^[A-Za-z0-9_.:-]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdShape();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9 _.:/-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex NameShape();

    [GeneratedRegex("^[A-Za-z]{3}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyShape();
}
