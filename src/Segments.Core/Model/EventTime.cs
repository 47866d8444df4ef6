namespace Segments.Core.Model;

/// <summary>
/// Event times are kept as whole seconds since 2000-01-01 UTC in an <see cref="int"/> (1932 to 2068):
/// a third of the memory of ticks in documents that hold thousands of events. Sub-second parts of an
/// event's time are truncated when it is read. Window arithmetic against an as-of time T stays exact,
/// because for whole-second event times <c>at ≤ T ⟺ at ≤ ⌊T⌋</c> and <c>at &gt; x ⟺ at &gt; ⌊x⌋</c>.
/// </summary>
public static class EventTime
{
    public static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Min = Epoch.AddSeconds(int.MinValue + 1);
    public static readonly DateTimeOffset Max = Epoch.AddSeconds(int.MaxValue - 1);

    public static bool InRange(DateTimeOffset at) => at >= Min && at <= Max;

    /// <summary>Whole seconds since the epoch, rounded down.</summary>
    public static int ToSeconds(DateTimeOffset at) =>
        (int)Math.Floor((at.UtcTicks - Epoch.UtcTicks) / (double)TimeSpan.TicksPerSecond);

    /// <summary>Like <see cref="ToSeconds"/> for values that may lie outside the range (window edges): clamped.</summary>
    public static long ToSecondsWide(DateTimeOffset at) =>
        (long)Math.Floor((at.UtcTicks - Epoch.UtcTicks) / (double)TimeSpan.TicksPerSecond);

    public static DateTimeOffset FromSeconds(long seconds) => Epoch.AddSeconds(seconds);
}
