using Segments.Core.Model;

namespace Segments.Core.Evaluation;

/// <summary>The evaluation time T, in the two units evaluation compares against: event seconds and field ticks.</summary>
public readonly record struct AsOf
{
    public AsOf(DateTimeOffset at)
    {
        Instant = at.ToUniversalTime();
        Seconds = EventTime.ToSecondsWide(at);
        Ticks = at.UtcTicks;
    }

    public DateTimeOffset Instant { get; }

    /// <summary>⌊T⌋ in <see cref="EventTime"/> seconds: an event at <c>s</c> is at or before T exactly when <c>s ≤ Seconds</c>.</summary>
    public long Seconds { get; }

    public long Ticks { get; }
}
