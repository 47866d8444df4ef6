using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Segments.Core.Model;
using Segments.Core.Suppressions;
using Segments.Embedded.Catalog;

namespace Segments.Embedded.Suppressions;

/// <summary>Suppressions in SQLite for the single-machine runtime; the whole suppression is the key, so adding one twice changes nothing.</summary>
public sealed class SqliteSuppressionStore(string connectionString) : ISuppressionStore
{
    private readonly SqliteTables _tables = new(connectionString, """
        CREATE TABLE IF NOT EXISTS suppressions (
            tenant TEXT NOT NULL,
            contact_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            at_ticks INTEGER NOT NULL,
            PRIMARY KEY (tenant, contact_id, reason, at_ticks));
        """);

    public async Task AddAsync(string tenant, IReadOnlyCollection<Suppression> suppressions, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        foreach (var s in suppressions)
        {
            await SqliteTables.ExecuteAsync(connection,
                "INSERT OR IGNORE INTO suppressions (tenant, contact_id, reason, at_ticks) VALUES ($tenant, $contact, $reason, $at)",
                cancellationToken, ("$tenant", tenant), ("$contact", s.ContactId), ("$reason", s.Reason.ToWord()), ("$at", s.At.UtcTicks));
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Suppression>> ForContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default)
    {
        var found = new List<Suppression>();
        await foreach (var s in QueryAsync("WHERE tenant = $tenant AND contact_id = $contact ORDER BY at_ticks, reason", cancellationToken,
            ("$tenant", tenant), ("$contact", contactId)))
        {
            found.Add(s);
        }
        return found;
    }

    public IAsyncEnumerable<Suppression> ListAsync(string tenant, CancellationToken cancellationToken = default) =>
        QueryAsync("WHERE tenant = $tenant", cancellationToken, ("$tenant", tenant));

    private async IAsyncEnumerable<Suppression> QueryAsync(string where, [EnumeratorCancellation] CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, $"SELECT contact_id, reason, at_ticks FROM suppressions {where}", parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return SuppressionReasons.TryParse(reader.GetString(1), out var reason)
                ? new Suppression(reader.GetString(0), reason, new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero))
                : throw new InvalidDataException($"a suppression of contact '{reader.GetString(0)}' has an unknown reason");
        }
    }
}
