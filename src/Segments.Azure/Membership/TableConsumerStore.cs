using Azure;
using Azure.Data.Tables;
using Segments.Azure.Tables;
using Segments.Core.Membership;
using Segments.Core.Ports;

namespace Segments.Azure.Membership;

/// <summary>
/// Drips and triggers with their records in Table storage. A tenant's consumers are one partition (the tenant, row key
/// <c>{drip|trigger}|{id}</c>); each consumer's records are another (<c>{tenant}|{kind}|{id}</c>), holding a row per
/// record (<c>r|{change}|{contact}</c>, in change order) and a row for what makes it unique (<c>o|{contact}</c> for a
/// drip, <c>o|{change}</c> for a trigger), added together in one transaction, so "once" is the table's key, not a
/// read before a write. The change feed's cursors are a partition per tenant (<c>{tenant}|cursors</c>, a row per
/// cursor), moved forward only, under their ETag. Every key part is escaped (<see cref="TableKeys"/>).
/// </summary>
public sealed class TableConsumerStore(TableClient table) : IConsumerStore
{
    private readonly LazyTable _table = new(table);

    public async Task PutAsync(string tenant, Consumer consumer, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        await client.UpsertEntityAsync(new TableEntity(TableKeys.Escape(tenant), Row(consumer.Kind, consumer.Id))
        {
            ["Tenant"] = tenant,
            ["Kind"] = Word(consumer.Kind),
            ["Id"] = consumer.Id,
            ["Segment"] = consumer.Segment,
            ["On"] = MembershipChange.Word(consumer.On),
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<Consumer?> GetAsync(string tenant, ConsumerKind kind, string id, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var found = await client.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(tenant), Row(kind, id), cancellationToken: cancellationToken);
        return found.HasValue ? ToConsumer(found.Value!) : null;
    }

    public async Task<IReadOnlyList<Consumer>> ListAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var consumers = new List<Consumer>();
        await foreach (var entity in client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(tenant)}"),
            cancellationToken: cancellationToken))
        {
            consumers.Add(ToConsumer(entity));
        }
        return consumers;
    }

    /// <summary>
    /// Each consumer's rows of the contact: its record rows (<c>r|…|{contact}</c>) and what made them unique (a drip's
    /// <c>o|{contact}</c>, a trigger's <c>o|{change}</c>).
    /// </summary>
    public async Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        foreach (var consumer in await ListAsync(tenant, cancellationToken))
        {
            var partition = Records(tenant, consumer.Kind, consumer.Id);
            var rows = new List<ITableEntity>();
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {partition} and RowKey gt {"r|"} and RowKey lt {TableKeys.AfterPrefix("r")} and ContactId eq {contactId}");
            await foreach (var record in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                rows.Add(record);
                rows.Add(new TableEntity(partition, "o|" + (consumer.Kind == ConsumerKind.Drip
                    ? TableKeys.Escape(contactId)
                    : TableKeys.Number(record.GetInt64("Change")!.Value))));
            }
            await TableBatches.DeleteAsync(client, rows, cancellationToken);
        }
    }

    /// <summary>
    /// The records first, then the consumer's row: a delete cut short leaves a consumer with fewer records, never records
    /// without their consumer, and is finished by trying again.
    /// </summary>
    public async Task<bool> DeleteAsync(string tenant, ConsumerKind kind, string id, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var records = new List<TableEntity>();
        await foreach (var entity in client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Records(tenant, kind, id)}"),
            select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            records.Add(entity);
        }
        await TableBatches.DeleteAsync(client, records, cancellationToken);
        // A delete of a row that is not there answers 404 without throwing.
        return (await client.DeleteEntityAsync(TableKeys.Escape(tenant), Row(kind, id), ETag.All, cancellationToken)).Status != 404;
    }

    /// <summary>Every tenant's drips and triggers: the consumer rows of the whole table (the sweep's catch-up reads it).</summary>
    public async Task<IReadOnlyList<(string Tenant, Consumer Consumer)>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var consumers = new List<(string, Consumer)>();
        foreach (var kind in new[] { ConsumerKind.Drip, ConsumerKind.Trigger })
        {
            var filter = TableClient.CreateQueryFilter($"RowKey gt {Word(kind) + TableKeys.Separator} and RowKey lt {TableKeys.AfterPrefix(Word(kind))}");
            await foreach (var entity in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                consumers.Add((entity.GetString("Tenant"), ToConsumer(entity)));
            }
        }
        return consumers;
    }

    public async Task<long> CursorAsync(string tenant, string cursor, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var found = await client.GetEntityIfExistsAsync<TableEntity>(Cursors(tenant), TableKeys.Escape(cursor), cancellationToken: cancellationToken);
        return found.HasValue ? found.Value!.GetInt64("Sequence") ?? 0 : 0;
    }

    public async Task AdvanceCursorAsync(string tenant, string cursor, long sequence, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var entity = new TableEntity(Cursors(tenant), TableKeys.Escape(cursor)) { ["Sequence"] = sequence };
        for (var attempt = 1; ; attempt++)
        {
            var found = await client.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken);
            if (found.HasValue && found.Value!.GetInt64("Sequence") >= sequence)
            {
                return; // never back
            }
            try
            {
                if (found.HasValue)
                {
                    await client.UpdateEntityAsync(entity, found.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await client.AddEntityAsync(entity, cancellationToken);
                }
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < TableContention.MaxAttempts)
            {
                // Another dispatcher moved it meanwhile: read again.
                await TableContention.BackOffAsync(attempt, cancellationToken);
            }
        }
    }

    public async Task<bool> AddRecordAsync(string tenant, Consumer consumer, ConsumerRecord record, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var partition = Records(tenant, consumer.Kind, consumer.Id);
        var once = consumer.Kind == ConsumerKind.Drip ? TableKeys.Escape(record.ContactId) : TableKeys.Number(record.Change);
        try
        {
            await client.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, "o|" + once) { ["Change"] = record.Change }),
                new TableTransactionAction(TableTransactionActionType.Add,
                    new TableEntity(partition, $"r|{TableKeys.Number(record.Change)}|{TableKeys.Escape(record.ContactId)}")
                    {
                        ["Change"] = record.Change,
                        ["ContactId"] = record.ContactId,
                        ["Kind"] = (int)record.Kind,
                        ["AtTicks"] = record.At.UtcTicks,
                    }),
            ], cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<ConsumerRecord>> RecordsAsync(string tenant, ConsumerKind kind, string id, long after, int max,
        CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var records = new List<ConsumerRecord>();
        if (max <= 0 || after == long.MaxValue)
        {
            return records;
        }
        var first = after < 0 ? "r|" : "r|" + TableKeys.Number(after + 1);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Records(tenant, kind, id)} and RowKey ge {first} and RowKey lt {TableKeys.AfterPrefix("r")}");
        await foreach (var entity in client.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            records.Add(new ConsumerRecord(entity.GetInt64("Change")!.Value, entity.GetString("ContactId"), (ChangeKind)entity.GetInt32("Kind")!.Value,
                new DateTimeOffset(entity.GetInt64("AtTicks")!.Value, TimeSpan.Zero)));
            if (records.Count == max)
            {
                break;
            }
        }
        return records;
    }

    private static string Word(ConsumerKind kind) => kind == ConsumerKind.Drip ? "drip" : "trigger";

    private static string Row(ConsumerKind kind, string id) => TableKeys.Join(Word(kind), id);

    private static string Records(string tenant, ConsumerKind kind, string id) => TableKeys.Join(tenant, Word(kind), id);

    private static string Cursors(string tenant) => TableKeys.Join(tenant, "cursors");

    private static Consumer ToConsumer(TableEntity entity)
    {
        var kind = entity.GetString("Kind") == "drip" ? ConsumerKind.Drip : ConsumerKind.Trigger;
        MembershipChange.TryParseKind(entity.GetString("On"), out var on);
        return new Consumer(kind, entity.GetString("Id"), entity.GetString("Segment"), on);
    }
}
