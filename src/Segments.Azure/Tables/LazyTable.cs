using Azure.Data.Tables;

namespace Segments.Azure.Tables;

/// <summary>A table created on first use (once it exists, never asked again; a failed attempt is retried next time).</summary>
public sealed class LazyTable(TableClient table)
{
    private volatile bool _exists;

    public async ValueTask<TableClient> GetAsync(CancellationToken cancellationToken)
    {
        if (!_exists)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _exists = true;
        }
        return table;
    }
}
