using System.Collections.Concurrent;
using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Segments.Azure.Tables;
using Segments.Core.Ports;

namespace Segments.Azure.Pixel;

/// <summary>
/// The last pixel hits of each tenant in one table shared by every instance: partition = tenant, and a fixed set of
/// <see cref="IPixelHitLog.Capacity"/> rows (slots) that each instance overwrites in turn, so the table never grows and
/// needs no clean-up. Two instances may overwrite each other's slots: the view keeps the most recent hits of the
/// tenant, not an exact count. Hits are queued (<see cref="Record"/> never waits) and written in the background; under
/// pressure the oldest queued ones are dropped.
/// </summary>
public sealed class TablePixelHitLog(TableClient table) : BackgroundService, IPixelHitLog
{
    private readonly LazyTable _table = new(table);
    private readonly Channel<(string Tenant, ReceivedHit Hit)> _queue =
        Channel.CreateBounded<(string, ReceivedHit)>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly ConcurrentDictionary<string, int> _nextSlot = new(StringComparer.Ordinal);

    public void Record(string tenant, ReceivedHit hit) => _queue.Writer.TryWrite((tenant, hit));

    public async Task<IReadOnlyList<ReceivedHit>> RecentAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var hits = new List<ReceivedHit>(IPixelHitLog.Capacity);
        await foreach (var entity in client.QueryAsync<TableEntity>(e => e.PartitionKey == tenant, cancellationToken: cancellationToken))
        {
            hits.Add(new ReceivedHit(entity.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, entity.GetString("Event") ?? "",
                entity.GetString("Outcome") ?? "", entity.GetString("ContactId"), entity.GetString("Visitor"), entity.GetString("Page"),
                entity.GetString("Origin"), entity.GetString("Reason")));
        }
        return [.. hits.OrderByDescending(h => h.At)];
    }

    /// <summary>Writes what was queued; a failed write is dropped (the view is a diagnostic, the events went through the stream).</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (tenant, hit) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                var client = await _table.GetAsync(stoppingToken);
                var slot = _nextSlot.AddOrUpdate(tenant, 0, (_, s) => (s + 1) % IPixelHitLog.Capacity);
                await client.UpsertEntityAsync(new TableEntity(tenant, slot.ToString("D2", System.Globalization.CultureInfo.InvariantCulture))
                {
                    ["At"] = hit.At,
                    ["Event"] = hit.Event,
                    ["Outcome"] = hit.Outcome,
                    ["ContactId"] = hit.ContactId,
                    ["Visitor"] = hit.Visitor,
                    ["Page"] = hit.Page,
                    ["Origin"] = hit.Origin,
                    ["Reason"] = hit.Reason,
                }, TableUpdateMode.Replace, stoppingToken);
            }
            catch (RequestFailedException)
            {
                // Dropped: the next hit is written as usual.
            }
        }
    }
}
