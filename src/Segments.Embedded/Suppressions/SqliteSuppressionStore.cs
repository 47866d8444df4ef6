using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Segments.Core.Ports;
using Segments.Core.Suppressions;
using Segments.Embedded.Catalog;
using Segments.Engine.Model;

namespace Segments.Embedded.Suppressions;

/// <summary>
/// Suppressions in SQLite for the single-machine runtime; the whole suppression is the key, so adding one twice changes
/// nothing, and pages follow it. Erasure hashes and each tenant's salt are tables of their own.
/// </summary>
public sealed class SqliteSuppressionStore(string connectionString) : ISuppressionStore
{
    private readonly SqliteTables _tables = new(connectionString, """
        CREATE TABLE IF NOT EXISTS suppressions (
            tenant TEXT NOT NULL,
            contact_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            at_ticks INTEGER NOT NULL,
            PRIMARY KEY (tenant, contact_id, reason, at_ticks));
        CREATE TABLE IF NOT EXISTS erasure_salts (tenant TEXT NOT NULL PRIMARY KEY, salt BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS erased (tenant TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (tenant, hash)) WITHOUT ROWID;
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

    public async Task<IReadOnlyList<Suppression>> PageAsync(string tenant, SuppressionReason? reason, Suppression? after, int max,
        CancellationToken cancellationToken = default)
    {
        var page = new List<Suppression>();
        await foreach (var s in QueryAsync("""
            WHERE tenant = $tenant AND ($reason IS NULL OR reason = $reason)
                AND ($after IS NULL OR (contact_id, reason, at_ticks) > ($after, $afterReason, $afterTicks))
            ORDER BY contact_id, reason, at_ticks LIMIT $max
            """, cancellationToken, ("$tenant", tenant), ("$reason", reason?.ToWord()), ("$after", after?.ContactId),
            ("$afterReason", after?.Reason.ToWord()), ("$afterTicks", after?.At.UtcTicks), ("$max", max)))
        {
            page.Add(s);
        }
        return page;
    }

    public async Task<int> RemoveAsync(string tenant, string contactId, SuppressionReason? reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var delete = SqliteTables.Command(connection,
            "DELETE FROM suppressions WHERE tenant = $tenant AND contact_id = $contact AND ($reason IS NULL OR reason = $reason)",
            ("$tenant", tenant), ("$contact", contactId), ("$reason", reason?.ToWord()));
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<byte[]> SaltAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        // The first of concurrent callers wins; every caller reads back the one kept.
        await SqliteTables.ExecuteAsync(connection, "INSERT OR IGNORE INTO erasure_salts (tenant, salt) VALUES ($tenant, $salt)", cancellationToken,
            ("$tenant", tenant), ("$salt", System.Security.Cryptography.RandomNumberGenerator.GetBytes(Erasure.SaltLength)));
        await using var read = SqliteTables.Command(connection, "SELECT salt FROM erasure_salts WHERE tenant = $tenant", ("$tenant", tenant));
        return (byte[])(await read.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task AddErasedAsync(string tenant, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        foreach (var hash in hashes)
        {
            await SqliteTables.ExecuteAsync(connection, "INSERT OR IGNORE INTO erased (tenant, hash) VALUES ($tenant, $hash)", cancellationToken,
                ("$tenant", tenant), ("$hash", hash));
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlySet<string>> ErasedAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, "SELECT hash FROM erased WHERE tenant = $tenant", ("$tenant", tenant));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            hashes.Add(reader.GetString(0));
        }
        return hashes;
    }

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
