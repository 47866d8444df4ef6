using Microsoft.Data.Sqlite;
using Segments.Core.Catalog;
using Segments.Core.Ports;
using Segments.Engine.Model;

namespace Segments.Embedded.Catalog;

/// <summary>
/// The catalog in SQLite for the single-machine runtime: a head row per tenant (revision and schema) and a row
/// per user. A commit is one write transaction that checks the revision first.
/// </summary>
public sealed class SqliteCatalogStore(string connectionString) : ICatalogStore
{
    private readonly SqliteTables _tables = new(connectionString, """
        CREATE TABLE IF NOT EXISTS catalog_head (
            tenant TEXT NOT NULL PRIMARY KEY,
            revision INTEGER NOT NULL,
            schema TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS catalog_entries (
            tenant TEXT NOT NULL,
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            segments TEXT NOT NULL,
            fields TEXT NOT NULL,
            json TEXT,
            version INTEGER,
            revision INTEGER,
            baseline TEXT,
            PRIMARY KEY (tenant, kind, id));
        """,
        // Files from before baselines were jobs: their entries have none pending.
        (connection, cancellationToken) => SqliteTables.AddColumnAsync(connection, "catalog_entries", "baseline", "TEXT", cancellationToken));

    private const string EntryColumns = "kind, id, segments, fields, json, version, revision, baseline";

    public async Task<CatalogSnapshot> ReadAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        // One read transaction: the head and the entries of the same moment.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var (revision, schema) = await ReadHeadAsync(connection, tenant, cancellationToken);
        var entries = new List<CatalogEntry>();
        await using var command = SqliteTables.Command(connection, $"SELECT {EntryColumns} FROM catalog_entries WHERE tenant = $tenant", ("$tenant", tenant));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(ToEntry(reader));
        }
        return new CatalogSnapshot(revision, schema, entries);
    }

    public async Task<long> RevisionAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, "SELECT revision FROM catalog_head WHERE tenant = $tenant", ("$tenant", tenant));
        return await command.ExecuteScalarAsync(cancellationToken) is long revision ? revision : 0;
    }

    public async Task<CatalogEntry?> ReadEntryAsync(string tenant, CatalogUser user, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection,
            $"SELECT {EntryColumns} FROM catalog_entries WHERE tenant = $tenant AND kind = $kind AND id = $id",
            ("$tenant", tenant), ("$kind", CatalogUser.Word(user.Kind)), ("$id", user.Id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ToEntry(reader) : null;
    }

    public async Task CommitAsync(string tenant, long expectedRevision, CatalogChange change, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        // Not deferred: the write lock is taken before the revision is read, so no other commit slips in between.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var (revision, schema) = await ReadHeadAsync(connection, tenant, cancellationToken);
        if (revision != expectedRevision)
        {
            throw new CatalogConflictException(tenant, expectedRevision);
        }
        await SqliteTables.ExecuteAsync(connection, """
            INSERT INTO catalog_head (tenant, revision, schema) VALUES ($tenant, $revision, $schema)
            ON CONFLICT (tenant) DO UPDATE SET revision = excluded.revision, schema = excluded.schema
            """, cancellationToken,
            ("$tenant", tenant), ("$revision", expectedRevision + 1),
            ("$schema", CatalogEncoding.Schema(change is PutSchema put ? put.Schema : schema)));
        switch (change)
        {
            case PutEntry { Entry: var entry }:
                await SqliteTables.ExecuteAsync(connection, $"""
                    INSERT OR REPLACE INTO catalog_entries (tenant, {EntryColumns})
                    VALUES ($tenant, $kind, $id, $segments, $fields, $json, $version, $revision, $baseline)
                    """, cancellationToken,
                    ("$tenant", tenant), ("$kind", CatalogUser.Word(entry.User.Kind)), ("$id", entry.User.Id),
                    ("$segments", CatalogEncoding.Names(entry.Segments)), ("$fields", CatalogEncoding.Names(entry.Fields)),
                    ("$json", entry.Definition?.Json), ("$version", entry.Definition?.Version), ("$revision", entry.Definition?.Revision),
                    ("$baseline", entry.Baseline));
                break;
            case RemoveEntry { User: var user }:
                await SqliteTables.ExecuteAsync(connection, "DELETE FROM catalog_entries WHERE tenant = $tenant AND kind = $kind AND id = $id", cancellationToken,
                    ("$tenant", tenant), ("$kind", CatalogUser.Word(user.Kind)), ("$id", user.Id));
                break;
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<(long Revision, FieldSchema Schema)> ReadHeadAsync(SqliteConnection connection, string tenant,
        CancellationToken cancellationToken)
    {
        await using var command = SqliteTables.Command(connection, "SELECT revision, schema FROM catalog_head WHERE tenant = $tenant", ("$tenant", tenant));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetInt64(0), CatalogEncoding.ParseSchema(reader.GetString(1)))
            : (0, FieldSchema.Empty);
    }

    private static CatalogEntry ToEntry(SqliteDataReader reader)
    {
        if (!CatalogUser.TryParseKind(reader.GetString(0), out var kind))
        {
            throw new InvalidDataException($"catalog entry '{reader.GetString(1)}' has an unknown kind '{reader.GetString(0)}'");
        }
        var definition = reader.IsDBNull(4) ? null : new StoredDefinition(reader.GetString(4), reader.GetInt32(5), reader.GetInt64(6));
        return new CatalogEntry(new CatalogUser(kind, reader.GetString(1)),
            CatalogEncoding.ParseNames(reader.GetString(2)), CatalogEncoding.ParseNames(reader.GetString(3)), definition)
        {
            Baseline = reader.IsDBNull(7) ? null : reader.GetString(7),
        };
    }
}
