using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Segments.Azure.Tables;
using Segments.Core.Membership;
using Segments.Core.Ports;

namespace Segments.Azure.Membership;

/// <summary>
/// Daily membership counts in Table storage, one partition per tenant and day (<c>{tenant}|{yyyy-MM-dd}</c>) with a row
/// per count (<c>{segment}|{slicing}|{slice}</c>), so a day is replaced within its partition (in transactions of up to
/// 100 rows: a day of at most 100 counts is replaced all at once) and a segment's range of days is one query over the
/// tenant's partitions of those days. Every key part is escaped (<see cref="TableKeys"/>).
/// </summary>
public sealed class TableReportStore(TableClient table) : IReportStore
{
    // The most actions an entity-group transaction takes.
    private const int BatchSize = 100;

    private readonly LazyTable _table = new(table);

    public async Task PutDayAsync(string tenant, DateOnly day, IReadOnlyList<DailyCount> counts, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var partition = Partition(tenant, day);
        var rows = counts.Select(c => new TableEntity(partition, Row(c.Segment, c.By, c.Slice))
        {
            ["Segment"] = c.Segment,
            ["By"] = (int)c.By,
            ["Slice"] = c.Slice,
            ["Count"] = c.Count,
        }).DistinctBy(e => e.RowKey, StringComparer.Ordinal).ToList();
        var kept = rows.Select(e => e.RowKey).ToHashSet(StringComparer.Ordinal);
        var stale = new List<TableEntity>();
        await foreach (var entity in client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"),
            select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (!kept.Contains(entity.RowKey))
            {
                stale.Add(entity);
            }
        }
        var actions = rows.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e))
            .Concat(stale.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, e.RowKey), ETag.All)));
        foreach (var batch in actions.Chunk(BatchSize))
        {
            await client.SubmitTransactionAsync(batch, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<DailyCount>> ReadAsync(string tenant, string segment, DateOnly from, DateOnly to, Slicing by,
        CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var prefix = TableKeys.Join(segment, ((int)by).ToString(CultureInfo.InvariantCulture));
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {Partition(tenant, from)} and PartitionKey le {Partition(tenant, to)} and RowKey ge {prefix + TableKeys.Separator} and RowKey lt {TableKeys.AfterPrefix(prefix)}");
        var counts = new List<DailyCount>();
        await foreach (var entity in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var day = DateOnly.ParseExact(entity.PartitionKey[(entity.PartitionKey.LastIndexOf(TableKeys.Separator) + 1)..], "yyyy-MM-dd",
                CultureInfo.InvariantCulture);
            counts.Add(new DailyCount(segment, day, by, entity.GetString("Slice"), entity.GetInt64("Count")!.Value));
        }
        return [.. counts.OrderBy(c => c.Day).ThenBy(c => c.Slice, StringComparer.Ordinal)];
    }

    private static string Partition(string tenant, DateOnly day) =>
        TableKeys.Join(tenant, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static string Row(string segment, Slicing by, string slice) =>
        TableKeys.Join(segment, ((int)by).ToString(CultureInfo.InvariantCulture), slice);
}
