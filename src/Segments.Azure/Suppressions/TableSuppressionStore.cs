using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Segments.Azure.Tables;
using Segments.Core.Ports;
using Segments.Core.Suppressions;
using Segments.Engine.Model;

namespace Segments.Azure.Suppressions;

/// <summary>
/// Suppressions in Table storage, one partition per tenant. The row key is the suppression itself
/// (<c>{contact}|{reason}|{ticks}</c>, the contact id escaped), so adding one twice writes the same row, a
/// contact's suppressions are one range of row keys, and pages follow the row keys. Erasure hashes are the partition
/// <c>{tenant}|erased</c> (a row per hash), the tenant's salt the row <c>salt</c> of <c>{tenant}|salt</c>.
/// </summary>
public sealed class TableSuppressionStore(TableClient table) : ISuppressionStore
{
    private const int BatchSize = TableBatches.MaxActions;

    private readonly LazyTable _table = new(table);

    public async Task AddAsync(string tenant, IReadOnlyCollection<Suppression> suppressions, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        // A transaction refuses two actions on one row.
        var rows = suppressions.Select(s => ToEntity(tenant, s)).DistinctBy(e => e.RowKey, StringComparer.Ordinal);
        foreach (var batch in rows.Chunk(BatchSize))
        {
            await client.SubmitTransactionAsync(
                batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
        }
    }

    public async Task<IReadOnlyList<Suppression>> ForContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var found = new List<Suppression>();
        await foreach (var entity in client.QueryAsync<TableEntity>(OfContact(tenant, contactId), cancellationToken: cancellationToken))
        {
            found.Add(ToSuppression(entity));
        }
        return [.. found.OrderBy(s => s.At).ThenBy(s => s.Reason)];
    }

    public async IAsyncEnumerable<Suppression> ListAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenant}");
        await foreach (var entity in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return ToSuppression(entity);
        }
    }

    public async Task<IReadOnlyList<Suppression>> PageAsync(string tenant, SuppressionReason? reason, Suppression? after, int max,
        CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and RowKey gt {(after is null ? "" : RowKey(after))}");
        if (reason is { } only)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Reason eq {only.ToWord()}");
        }
        var page = new List<Suppression>();
        await foreach (var entity in client.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            page.Add(ToSuppression(entity));
            if (page.Count == max)
            {
                break;
            }
        }
        return page;
    }

    public async Task<int> RemoveAsync(string tenant, string contactId, SuppressionReason? reason, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var rows = new List<TableEntity>();
        await foreach (var entity in client.QueryAsync<TableEntity>(OfContact(tenant, contactId), cancellationToken: cancellationToken))
        {
            if (reason is null || ToSuppression(entity).Reason == reason)
            {
                rows.Add(entity);
            }
        }
        await TableBatches.DeleteAsync(client, rows, cancellationToken);
        return rows.Count;
    }

    public async Task<byte[]> SaltAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var partition = TableKeys.Join(tenant, "salt");
        try
        {
            await client.AddEntityAsync(new TableEntity(partition, "salt") { ["Salt"] = RandomNumberGenerator.GetBytes(Erasure.SaltLength) },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Made before (or by a concurrent caller): the one kept is read back below.
        }
        return (await client.GetEntityAsync<TableEntity>(partition, "salt", cancellationToken: cancellationToken)).Value.GetBinary("Salt");
    }

    public async Task AddErasedAsync(string tenant, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var partition = TableKeys.Join(tenant, "erased");
        foreach (var batch in hashes.Distinct(StringComparer.Ordinal).Chunk(BatchSize))
        {
            await client.SubmitTransactionAsync(batch.Select(h =>
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, h))), cancellationToken);
        }
    }

    public async Task<IReadOnlySet<string>> ErasedAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entity in client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Join(tenant, "erased")}"),
            select: ["RowKey"], cancellationToken: cancellationToken))
        {
            hashes.Add(entity.RowKey);
        }
        return hashes;
    }

    /// <summary>The contact's rows: those whose key starts with its escaped id and the separator.</summary>
    private static string OfContact(string tenant, string contactId)
    {
        var prefix = TableKeys.Escape(contactId) + '|';
        // '}' follows '|': the range holds exactly the row keys that start with the prefix.
        var end = TableKeys.Escape(contactId) + '}';
        return TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and RowKey ge {prefix} and RowKey lt {end}");
    }

    private static string RowKey(Suppression s) =>
        $"{TableKeys.Escape(s.ContactId)}|{s.Reason.ToWord()}|{s.At.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}";

    private static TableEntity ToEntity(string tenant, Suppression s)
    {
        return new TableEntity(tenant, RowKey(s))
        {
            ["ContactId"] = s.ContactId,
            ["Reason"] = s.Reason.ToWord(),
            // Ticks, not a DateTime property: suppression times keep their full precision, like event times.
            ["AtTicks"] = s.At.UtcTicks,
        };
    }

    private static Suppression ToSuppression(TableEntity entity) =>
        SuppressionReasons.TryParse(entity.GetString("Reason"), out var reason)
            ? new Suppression(entity.GetString("ContactId"), reason, new DateTimeOffset(entity.GetInt64("AtTicks")!.Value, TimeSpan.Zero))
            : throw new InvalidDataException($"suppression row '{entity.RowKey}' of tenant '{entity.PartitionKey}' has an unknown reason");
}
