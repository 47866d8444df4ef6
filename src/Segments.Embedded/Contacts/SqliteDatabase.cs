using Microsoft.Data.Sqlite;

namespace Segments.Embedded.Contacts;

/// <summary>
/// The embedded store's SQLite file: created with its schema on first open, in WAL mode (readers never block the
/// writer, and a scan can run while the fold writes). Connections come from Microsoft.Data.Sqlite's pool, one per
/// operation, since a connection is not thread-safe.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;

    private SqliteDatabase(string connectionString, int partitions)
    {
        _connectionString = connectionString;
        Partitions = partitions;
    }

    /// <summary>The number of hash buckets contacts are spread over, fixed when the file is created.</summary>
    public int Partitions { get; }

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/>; <paramref name="partitions"/> applies to a new file only.</summary>
    public static async Task<SqliteDatabase> OpenAsync(string path, int partitions = 16, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }
            .ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
            INSERT OR IGNORE INTO meta (key, value) VALUES ('partitions', $partitions);
            CREATE TABLE IF NOT EXISTS contacts (
                tenant TEXT NOT NULL,
                contact_id TEXT NOT NULL,
                bucket INTEGER NOT NULL,
                version INTEGER NOT NULL,
                body BLOB NOT NULL,
                PRIMARY KEY (tenant, contact_id)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS contacts_by_bucket ON contacts (tenant, bucket, contact_id);
            CREATE TABLE IF NOT EXISTS dead_letters (
                tenant TEXT NOT NULL,
                source TEXT NOT NULL,
                reason TEXT NOT NULL,
                payload TEXT NOT NULL,
                at INTEGER NOT NULL,
                PRIMARY KEY (tenant, source)) WITHOUT ROWID;
            """;
        command.Parameters.AddWithValue("$partitions", partitions);
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = "SELECT value FROM meta WHERE key = 'partitions'";
        var stored = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return new SqliteDatabase(connectionString, stored);
    }

    /// <summary>
    /// An open connection. synchronous=NORMAL under WAL: a committed write survives a crash of the process (what a
    /// checkpoint after the fold relies on); only an operating system crash or power loss can undo the last commits.
    /// busy_timeout lets SQLite itself wait for a concurrent writer's lock, finely, instead of the client's coarse
    /// sleep-and-retry.
    /// </summary>
    public async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }
}
