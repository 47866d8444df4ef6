using Segments.Core.Membership;

namespace Segments.Core.Ports;

/// <summary>Daily membership counts per tenant. Every call is scoped by the tenant.</summary>
public interface IReportStore
{
    /// <summary>Replaces the counts of <paramref name="day"/> (all segments and slices) with <paramref name="counts"/>.</summary>
    Task PutDayAsync(string tenant, DateOnly day, IReadOnlyList<DailyCount> counts, CancellationToken cancellationToken = default);

    /// <summary>The segment's counts of one slicing from <paramref name="from"/> to <paramref name="to"/> (both included), by day and slice.</summary>
    Task<IReadOnlyList<DailyCount>> ReadAsync(string tenant, string segment, DateOnly from, DateOnly to, Slicing by,
        CancellationToken cancellationToken = default);
}

/// <summary>Daily counts in memory.</summary>
public sealed class InMemoryReportStore : IReportStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Tenant, DateOnly Day), IReadOnlyList<DailyCount>> _days = [];

    public Task PutDayAsync(string tenant, DateOnly day, IReadOnlyList<DailyCount> counts, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _days[(tenant, day)] = counts;
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<DailyCount>> ReadAsync(string tenant, string segment, DateOnly from, DateOnly to, Slicing by,
        CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<DailyCount>>([.. _days.Where(d => d.Key.Tenant == tenant && d.Key.Day >= from && d.Key.Day <= to)
                .SelectMany(d => d.Value).Where(c => c.Segment == segment && c.By == by)
                .OrderBy(c => c.Day).ThenBy(c => c.Slice, StringComparer.Ordinal)]);
        }
    }
}
