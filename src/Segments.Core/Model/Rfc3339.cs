using System.Globalization;

namespace Segments.Core.Model;

public static class Rfc3339
{
    /// <summary>UTC with a <c>Z</c>, and fractional seconds only when there are any.</summary>
    public static string Format(DateTimeOffset at) =>
        at.ToUniversalTime().ToString(at.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
            CultureInfo.InvariantCulture);
}
