using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Segments.Azure.Catalog;
using Segments.Core.Model;
using Segments.Core.Suppressions;

namespace Segments.Azure.Suppressions;

/// <summary>
/// Suppressions in Table storage, one partition per tenant. The row key is the suppression itself
/// (<c>{contact}|{reason}|{ticks}</c>, the contact id escaped), so adding one twice writes the same row, and a
/// contact's suppressions are one range of row keys.
/// </summary>
public sealed class TableSuppressionStore(TableClient table) : ISuppressionStore
{
    // The most actions an entity-group transaction takes.
    private const int BatchSize = 100;

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
        var prefix = TableKeys.Escape(contactId) + '|';
        // '}' follows '|': the range holds exactly the row keys that start with the prefix.
        var end = TableKeys.Escape(contactId) + '}';
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and RowKey ge {prefix} and RowKey lt {end}");
        var found = new List<Suppression>();
        await foreach (var entity in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
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

    private static TableEntity ToEntity(string tenant, Suppression s)
    {
        var ticks = s.At.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        return new TableEntity(tenant, $"{TableKeys.Escape(s.ContactId)}|{s.Reason.ToWord()}|{ticks}")
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
