using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Segments.Core.Broadcasts;
using Segments.Core.Ports;
using Segments.Embedded.Catalog;

namespace Segments.Embedded.Broadcasts;

/// <summary>
/// Broadcasts in SQLite: a row per (tenant, id) holding the broadcast as JSON, its status and creation instant as columns
/// (to find the unfinished ones and to list them), and a version that a replacement compares. Writes are synced before
/// they return (the default <c>synchronous</c>), so a broadcast answered 202 survives a power loss too.
/// </summary>
public sealed class SqliteBroadcastStore(string connectionString) : IBroadcastStore
{
    private readonly SqliteTables _tables = new(connectionString, """
        CREATE TABLE IF NOT EXISTS broadcasts (
            tenant TEXT NOT NULL,
            id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            version INTEGER NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (tenant, id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS broadcasts_unfinished ON broadcasts (status) WHERE status IN ('scheduled', 'running');
        CREATE INDEX IF NOT EXISTS broadcasts_newest ON broadcasts (tenant, created_at DESC, id DESC);
        """);

    public async Task<bool> AddAsync(string tenant, Broadcast broadcast, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, """
            INSERT INTO broadcasts (tenant, id, created_at, status, version, body) VALUES ($tenant, $id, $created, $status, 1, $body)
            ON CONFLICT DO NOTHING
            """, ("$tenant", tenant), ("$id", broadcast.Id), ("$created", broadcast.CreatedAt.UtcTicks), ("$status", Broadcast.Word(broadcast.Status)),
            ("$body", JsonSerializer.Serialize(broadcast, Broadcast.Json)));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<StoredBroadcast?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, "SELECT body, version FROM broadcasts WHERE tenant = $tenant AND id = $id",
            ("$tenant", tenant), ("$id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredBroadcast(Read(reader.GetString(0)), reader.GetInt64(1).ToString(CultureInfo.InvariantCulture))
            : null;
    }

    public async Task<bool> ReplaceAsync(string tenant, Broadcast broadcast, string version, CancellationToken cancellationToken = default)
    {
        if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var expected))
        {
            return false;
        }
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, """
            UPDATE broadcasts SET status = $status, version = version + 1, body = $body WHERE tenant = $tenant AND id = $id AND version = $version
            """, ("$tenant", tenant), ("$id", broadcast.Id), ("$status", Broadcast.Word(broadcast.Status)), ("$version", expected),
            ("$body", JsonSerializer.Serialize(broadcast, Broadcast.Json)));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<BroadcastPage> ListAsync(string tenant, BroadcastStatus? status, BroadcastPosition? after, int limit,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, """
            SELECT body FROM broadcasts
            WHERE tenant = $tenant AND ($status IS NULL OR status = $status)
              AND ($id IS NULL OR created_at < $created OR (created_at = $created AND id < $id))
            ORDER BY created_at DESC, id DESC LIMIT $limit
            """, ("$tenant", tenant), ("$status", status is { } s ? Broadcast.Word(s) : null), ("$created", after?.CreatedAt.UtcTicks),
            ("$id", after?.Id), ("$limit", limit + 1));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<Broadcast>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(Read(reader.GetString(0)));
        }
        return found.Count > limit ? new BroadcastPage(found[..limit], BroadcastPosition.Of(found[limit - 1])) : new BroadcastPage(found, null);
    }

    public async Task<IReadOnlyList<(string Tenant, Broadcast Broadcast)>> ListUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection,
            "SELECT tenant, body FROM broadcasts WHERE status IN ('scheduled', 'running') ORDER BY created_at");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var unfinished = new List<(string, Broadcast)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            unfinished.Add((reader.GetString(0), Read(reader.GetString(1))));
        }
        return unfinished;
    }

    private static Broadcast Read(string body) =>
        JsonSerializer.Deserialize<Broadcast>(body, Broadcast.Json) ?? throw new InvalidDataException("a broadcast row holds no broadcast");
}
