using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Segments.Azure.Tables;
using Segments.Core.Broadcasts;
using Segments.Core.Ports;

namespace Segments.Azure.Broadcasts;

/// <summary>
/// Broadcasts in Table storage: one partition per tenant, the broadcast id as row key (ids have the shape of segment
/// ids, safe as keys), the broadcast as JSON in chunks (a string property holds at most 64 KiB, and a frozen segment
/// with what it references can be longer), its status and creation instant as properties. Adding is an insert (409 when
/// the id was ever used); replacing is conditional on the ETag.
/// </summary>
public sealed class TableBroadcastStore(TableClient table) : IBroadcastStore
{
    private const int ChunkLength = 30_000;
    private static readonly string[] Unfinished = [Broadcast.Word(BroadcastStatus.Scheduled), Broadcast.Word(BroadcastStatus.Running)];

    private readonly LazyTable _table = new(table);

    public async Task<bool> AddAsync(string tenant, Broadcast broadcast, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        try
        {
            await client.AddEntityAsync(ToEntity(tenant, broadcast), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<StoredBroadcast?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var found = await client.GetEntityIfExistsAsync<TableEntity>(tenant, id, cancellationToken: cancellationToken);
        return found.HasValue ? new StoredBroadcast(ToBroadcast(found.Value!), found.Value!.ETag.ToString()) : null;
    }

    public async Task<bool> ReplaceAsync(string tenant, Broadcast broadcast, string version, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        try
        {
            await client.UpdateEntityAsync(ToEntity(tenant, broadcast), new ETag(version), TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>
    /// Row keys are ids, not creation order, so the tenant's partition (of the status asked, filtered by the service) is
    /// read and ordered here: a tenant's broadcasts number in the thousands, not millions.
    /// </summary>
    public async Task<BroadcastPage> ListAsync(string tenant, BroadcastStatus? status, BroadcastPosition? after, int limit,
        CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var filter = status is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and Status eq {Broadcast.Word(s)}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {tenant}");
        var all = new List<Broadcast>();
        await foreach (var entity in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var broadcast = ToBroadcast(entity);
            if (after is null || after.Precedes(broadcast))
            {
                all.Add(broadcast);
            }
        }
        var page = all.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id, StringComparer.Ordinal).Take(limit + 1).ToList();
        return page.Count > limit ? new BroadcastPage(page[..limit], BroadcastPosition.Of(page[limit - 1])) : new BroadcastPage(page, null);
    }

    public async Task<IReadOnlyList<(string Tenant, Broadcast Broadcast)>> ListUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"Status eq {Unfinished[0]} or Status eq {Unfinished[1]}");
        var unfinished = new List<(string, Broadcast)>();
        await foreach (var entity in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            unfinished.Add((entity.PartitionKey, ToBroadcast(entity)));
        }
        return [.. unfinished.OrderBy(u => u.Item2.CreatedAt)];
    }

    private static TableEntity ToEntity(string tenant, Broadcast broadcast)
    {
        var entity = new TableEntity(tenant, broadcast.Id)
        {
            ["Status"] = Broadcast.Word(broadcast.Status),
            ["CreatedAt"] = broadcast.CreatedAt,
        };
        var chunks = JsonSerializer.Serialize(broadcast, Broadcast.Json).Chunk(ChunkLength).Select(c => new string(c)).ToArray();
        entity["BodyChunks"] = chunks.Length;
        for (var i = 0; i < chunks.Length; i++)
        {
            entity[$"Body{i}"] = chunks[i];
        }
        return entity;
    }

    private static Broadcast ToBroadcast(TableEntity entity)
    {
        var body = new StringBuilder();
        for (var i = 0; i < entity.GetInt32("BodyChunks"); i++)
        {
            body.Append(entity.GetString($"Body{i}"));
        }
        return JsonSerializer.Deserialize<Broadcast>(body.ToString(), Broadcast.Json)
            ?? throw new InvalidDataException($"broadcast row '{entity.RowKey}' of tenant '{entity.PartitionKey}' holds no broadcast");
    }
}
