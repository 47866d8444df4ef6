using Segments.Core.Membership;
using Segments.Core.Ports;

namespace Segments.TestSupport.Stores;

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
