using Azure;
using Azure.Data.Tables;

namespace Segments.Azure.Tables;

/// <summary>Deletes of many rows as entity-group transactions: at most 100 actions each, each within one partition.</summary>
internal static class TableBatches
{
    // The most actions an entity-group transaction takes.
    public const int MaxActions = 100;

    /// <summary>Deletes the rows (partition and row keys are enough); rows already gone are no error.</summary>
    public static async Task DeleteAsync(TableClient client, IEnumerable<ITableEntity> rows, CancellationToken cancellationToken)
    {
        foreach (var partition in rows.DistinctBy(r => (r.PartitionKey, r.RowKey)).GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var batch in partition.Chunk(MaxActions))
            {
                try
                {
                    await client.SubmitTransactionAsync(
                        batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
                }
                catch (TableTransactionFailedException e) when (e.Status == 404)
                {
                    // A row of the batch went meanwhile: delete them one by one (a single delete of a missing row answers 404, no error).
                    foreach (var row in batch)
                    {
                        await client.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                    }
                }
            }
        }
    }
}
