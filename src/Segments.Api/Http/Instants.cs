using Segments.Engine.Model;

namespace Segments.Api.Http;

/// <summary>
/// The instants a caller may ask about (a preview's or a broadcast's <c>asOf</c>, a <c>sendAt</c>): from 1970 to the
/// end of 2199. Evaluation reaches up to ten years either side of such an instant (the longest window), which must
/// stay a date; no real send or question lies outside.
/// </summary>
public static class Instants
{
    public static readonly DateTimeOffset Earliest = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Latest = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string Rule = "an RFC 3339 date-time such as 2026-11-26T12:00:00Z, from 1970 to 2199";

    /// <summary>The instant a text names, or null when it is not an RFC 3339 date-time within the range.</summary>
    public static DateTimeOffset? Parse(string? text) =>
        text is not null && DateValue.TryParse(text, out var value) && !value.IsDay && value.Start >= Earliest && value.Start < Latest ? value.Start : null;
}
