namespace Segments.Engine.Evaluation;

/// <summary>The evaluation time T, as UTC ticks: the unit of event times and date fields.</summary>
public readonly record struct AsOf
{
    public AsOf(DateTimeOffset at)
    {
        Instant = at.ToUniversalTime();
        Ticks = at.UtcTicks;
    }

    public DateTimeOffset Instant { get; }

    public long Ticks { get; }
}
