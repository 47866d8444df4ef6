using System.Globalization;
using System.Text;

namespace Segments.Azure.Tables;

/// <summary>Partition and row keys built from free text (tenant, segment, contact and consumer ids, slices).</summary>
internal static class TableKeys
{
    /// <summary>The character that separates the parts of a key; it never occurs in an escaped part.</summary>
    public const char Separator = '|';

    /// <summary>
    /// A key refuses '/', '\', '#', '?' and control characters. Those, the separator '|' and the escape '%' itself
    /// become %XX, so distinct texts stay distinct keys, and a part followed by '|' is a prefix no other part has.
    /// </summary>
    public static string Escape(string text)
    {
        var key = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '%' or '/' or '\\' or '#' or '?' or Separator || char.IsControl(c))
            {
                key.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                key.Append(c);
            }
        }
        return key.ToString();
    }

    /// <summary>The escaped parts joined by the separator.</summary>
    public static string Join(params ReadOnlySpan<string> parts)
    {
        var key = new StringBuilder();
        foreach (var part in parts)
        {
            if (key.Length > 0)
            {
                key.Append(Separator);
            }
            key.Append(Escape(part));
        }
        return key.ToString();
    }

    /// <summary>A number as 19 digits, so row keys sort as the numbers do (non-negative ones).</summary>
    public static string Number(long value) => value.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>The first key after every key that starts with <paramref name="prefix"/> followed by the separator.</summary>
    public static string AfterPrefix(string prefix) => prefix + (char)(Separator + 1);
}
