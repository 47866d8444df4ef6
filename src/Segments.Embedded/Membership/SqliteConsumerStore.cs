using Microsoft.Data.Sqlite;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Embedded.Catalog;

namespace Segments.Embedded.Membership;

/// <summary>
/// Drips and triggers with their records and the feed's cursors in SQLite. A record's <c>once</c> column holds what
/// makes it unique (the contact for a drip, the change for a trigger), so "once" is the table's constraint, not a read
/// before a write; a cursor only moves forward in one statement (an upsert keeping the larger sequence).
/// </summary>
public sealed class SqliteConsumerStore(string connectionString) : IConsumerStore
{
    private readonly SqliteTables _tables = new(connectionString, """
        CREATE TABLE IF NOT EXISTS consumers (
            tenant TEXT NOT NULL,
            kind INTEGER NOT NULL,
            id TEXT NOT NULL,
            segment TEXT NOT NULL,
            on_kind INTEGER NOT NULL,
            PRIMARY KEY (tenant, kind, id));
        CREATE TABLE IF NOT EXISTS consumer_records (
            tenant TEXT NOT NULL,
            kind INTEGER NOT NULL,
            id TEXT NOT NULL,
            once TEXT NOT NULL,
            change INTEGER NOT NULL,
            contact TEXT NOT NULL,
            change_kind INTEGER NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY (tenant, kind, id, once));
        CREATE INDEX IF NOT EXISTS consumer_records_feed ON consumer_records (tenant, kind, id, change);
        CREATE TABLE IF NOT EXISTS consumer_cursors (
            tenant TEXT NOT NULL,
            name TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            PRIMARY KEY (tenant, name));
        """);

    public async Task PutAsync(string tenant, Consumer consumer, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await SqliteTables.ExecuteAsync(connection, """
            INSERT OR REPLACE INTO consumers (tenant, kind, id, segment, on_kind) VALUES ($tenant, $kind, $id, $segment, $on)
            """, cancellationToken, ("$tenant", tenant), ("$kind", (int)consumer.Kind), ("$id", consumer.Id), ("$segment", consumer.Segment),
            ("$on", (int)consumer.On));
    }

    public async Task<Consumer?> GetAsync(string tenant, ConsumerKind kind, string id, CancellationToken cancellationToken = default) =>
        (await ReadAsync("WHERE tenant = $tenant AND kind = $kind AND id = $id", cancellationToken, ("$tenant", tenant), ("$kind", (int)kind), ("$id", id)))
        .Select(c => c.Consumer).SingleOrDefault();

    public async Task<IReadOnlyList<Consumer>> ListAsync(string tenant, CancellationToken cancellationToken = default) =>
        [.. (await ReadAsync("WHERE tenant = $tenant", cancellationToken, ("$tenant", tenant))).Select(c => c.Consumer)];

    public async Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await SqliteTables.ExecuteAsync(connection, "DELETE FROM consumer_records WHERE tenant = $tenant AND contact = $contact", cancellationToken,
            ("$tenant", tenant), ("$contact", contactId));
    }

    public async Task<bool> DeleteAsync(string tenant, ConsumerKind kind, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await SqliteTables.ExecuteAsync(connection, "DELETE FROM consumer_records WHERE tenant = $tenant AND kind = $kind AND id = $id", cancellationToken,
            ("$tenant", tenant), ("$kind", (int)kind), ("$id", id));
        await using var delete = SqliteTables.Command(connection, "DELETE FROM consumers WHERE tenant = $tenant AND kind = $kind AND id = $id",
            ("$tenant", tenant), ("$kind", (int)kind), ("$id", id));
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    public async Task<IReadOnlyList<(string Tenant, Consumer Consumer)>> ListAllAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync("", cancellationToken);

    public async Task<bool> AddRecordAsync(string tenant, Consumer consumer, ConsumerRecord record, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        return await InsertAsync(connection, tenant, consumer, record, cancellationToken);
    }

    /// <summary>The records and the cursor in one transaction, with the fold's other writes' durability (see <see cref="SqliteTables.InFoldTransactionAsync"/>).</summary>
    public async Task AddRecordsAsync(string tenant, Consumer consumer, IReadOnlyList<ConsumerRecord> records, string cursor, long sequence,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await SqliteTables.InFoldTransactionAsync(connection, async () =>
        {
            foreach (var record in records)
            {
                await InsertAsync(connection, tenant, consumer, record, cancellationToken);
            }
            await AdvanceAsync(connection, tenant, cursor, sequence, cancellationToken);
            return true;
        });
    }

    private static async Task<bool> InsertAsync(SqliteConnection connection, string tenant, Consumer consumer, ConsumerRecord record,
        CancellationToken cancellationToken)
    {
        await using var command = SqliteTables.Command(connection, """
            INSERT INTO consumer_records (tenant, kind, id, once, change, contact, change_kind, at)
            VALUES ($tenant, $kind, $id, $once, $change, $contact, $changeKind, $at) ON CONFLICT DO NOTHING
            """, ("$tenant", tenant), ("$kind", (int)consumer.Kind), ("$id", consumer.Id),
            ("$once", consumer.Kind == ConsumerKind.Drip ? record.ContactId : record.Change.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("$change", record.Change), ("$contact", record.ContactId), ("$changeKind", (int)record.Kind), ("$at", record.At.UtcTicks));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<ConsumerRecord>> RecordsAsync(string tenant, ConsumerKind kind, string id, long after, int max,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, """
            SELECT change, contact, change_kind, at FROM consumer_records
            WHERE tenant = $tenant AND kind = $kind AND id = $id AND change > $after ORDER BY change LIMIT $max
            """, ("$tenant", tenant), ("$kind", (int)kind), ("$id", id), ("$after", after), ("$max", max));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<ConsumerRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new ConsumerRecord(reader.GetInt64(0), reader.GetString(1), (ChangeKind)reader.GetInt32(2),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero)));
        }
        return records;
    }

    public async Task<long> CursorAsync(string tenant, string cursor, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, "SELECT sequence FROM consumer_cursors WHERE tenant = $tenant AND name = $name",
            ("$tenant", tenant), ("$name", cursor));
        return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : 0;
    }

    public async Task AdvanceCursorAsync(string tenant, string cursor, long sequence, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await AdvanceAsync(connection, tenant, cursor, sequence, cancellationToken);
    }

    private static Task AdvanceAsync(SqliteConnection connection, string tenant, string cursor, long sequence, CancellationToken cancellationToken) =>
        SqliteTables.ExecuteAsync(connection, """
            INSERT INTO consumer_cursors (tenant, name, sequence) VALUES ($tenant, $name, $sequence)
            ON CONFLICT (tenant, name) DO UPDATE SET sequence = MAX(sequence, excluded.sequence)
            """, cancellationToken, ("$tenant", tenant), ("$name", cursor), ("$sequence", sequence));

    private async Task<List<(string Tenant, Consumer Consumer)>> ReadAsync(string where, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, $"SELECT tenant, kind, id, segment, on_kind FROM consumers {where}", parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var consumers = new List<(string, Consumer)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            consumers.Add((reader.GetString(0),
                new Consumer((ConsumerKind)reader.GetInt32(1), reader.GetString(2), reader.GetString(3), (ChangeKind)reader.GetInt32(4))));
        }
        return consumers;
    }
}
