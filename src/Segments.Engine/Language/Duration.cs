using System.Text.RegularExpressions;

namespace Segments.Engine.Language;

/// <summary>A window length: <c>^[1-9][0-9]*(m|h|d|w)$</c>, at most 3650 days.</summary>
public readonly partial record struct Duration(long Seconds, string Text)
{
    public const long MaxSeconds = 3650L * 86400;

    public long Ticks => Seconds * TimeSpan.TicksPerSecond;

    public TimeSpan ToTimeSpan() => TimeSpan.FromSeconds(Seconds);

    public override string ToString() => Text;

    public static bool TryParse(string? text, out Duration duration, out string? error)
    {
        duration = default;
        error = null;
        var match = text is null ? null : Shape().Match(text);
        if (match is null || !match.Success)
        {
            error = $"'{text}' is not a duration; write a whole number and a unit, such as 30m, 12h, 30d or 4w";
            return false;
        }
        var unit = match.Groups[2].Value[0] switch { 'm' => 60L, 'h' => 3600L, 'd' => 86400L, _ => 7 * 86400L };
        if (!long.TryParse(match.Groups[1].Value, out var amount) || amount > MaxSeconds / unit)
        {
            error = $"'{text}' is longer than the longest window, 3650 days";
            return false;
        }
        duration = new Duration(amount * unit, text!);
        return true;
    }

    [GeneratedRegex("^([1-9][0-9]*)(m|h|d|w)\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
