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
