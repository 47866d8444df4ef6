using Microsoft.Data.Sqlite;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Embedded.Catalog;

namespace Segments.Embedded.Membership;

/// <summary>Daily membership counts in SQLite, a row per (tenant, day, segment, slicing, slice); a day is replaced in one transaction.</summary>
public sealed class SqliteReportStore(string connectionString) : IReportStore
{
    private readonly SqliteTables _tables = new(connectionString, """
        CREATE TABLE IF NOT EXISTS daily_counts (
            tenant TEXT NOT NULL,
            day INTEGER NOT NULL,
            segment TEXT NOT NULL,
            by_kind INTEGER NOT NULL,
            slice TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (tenant, segment, by_kind, day, slice));
        CREATE INDEX IF NOT EXISTS daily_counts_day ON daily_counts (tenant, day);
        """);

    public async Task PutDayAsync(string tenant, DateOnly day, IReadOnlyList<DailyCount> counts, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await SqliteTables.ExecuteAsync(connection, "DELETE FROM daily_counts WHERE tenant = $tenant AND day = $day", cancellationToken,
            ("$tenant", tenant), ("$day", day.DayNumber));
        foreach (var c in counts)
        {
            await SqliteTables.ExecuteAsync(connection, """
                INSERT INTO daily_counts (tenant, day, segment, by_kind, slice, count) VALUES ($tenant, $day, $segment, $by, $slice, $count)
                """, cancellationToken, ("$tenant", tenant), ("$day", day.DayNumber), ("$segment", c.Segment), ("$by", (int)c.By),
                ("$slice", c.Slice), ("$count", c.Count));
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DailyCount>> ReadAsync(string tenant, string segment, DateOnly from, DateOnly to, Slicing by,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, """
            SELECT day, slice, count FROM daily_counts
            WHERE tenant = $tenant AND segment = $segment AND by_kind = $by AND day BETWEEN $from AND $to ORDER BY day, slice
            """, ("$tenant", tenant), ("$segment", segment), ("$by", (int)by), ("$from", from.DayNumber), ("$to", to.DayNumber));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new List<DailyCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new DailyCount(segment, DateOnly.FromDayNumber(reader.GetInt32(0)), by, reader.GetString(1), reader.GetInt64(2)));
        }
        return counts;
    }
}
