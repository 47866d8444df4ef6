using Microsoft.Data.Sqlite;
using Segments.Core.Ports;
using Segments.Embedded.Durability;

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
        // 16 KB pages (taken by a new file only): a typical document then fits in its B-tree cell; with 4 KB pages each
        // spilled into an overflow page of its own, mostly empty, doubling the file and a scan's reads.
        command.CommandText = """
            PRAGMA page_size = 16384;
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
            INSERT OR IGNORE INTO meta (key, value) VALUES ('partitions', $partitions);
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
        await CreateContactsAsync(connection, cancellationToken);
        await MarkSampleAsync(connection, cancellationToken);
        await TrackChangesAsync(connection, cancellationToken);
        command.CommandText = "SELECT value FROM meta WHERE key = 'partitions'";
        var stored = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return new SqliteDatabase(connectionString, stored);
    }

    // Contacts are clustered by (tenant, bucket, contact id): a partition scan reads consecutive pages, where a
    // secondary index on the bucket cost a primary-key lookup per row (most of a scan's time). The bucket is a function
    // of the contact id, so point reads and writes give it too. A file of the first layout (keyed by tenant and contact
    // id, with that index) is moved to this one in a single transaction when it is opened.
    private static string CreateContacts(string table) => $"""
        CREATE TABLE IF NOT EXISTS {table} (
            tenant TEXT NOT NULL,
            bucket INTEGER NOT NULL,
            contact_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            body BLOB NOT NULL,
            sample INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (tenant, bucket, contact_id)) WITHOUT ROWID;
        """;

    private static async Task CreateContactsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'contacts_by_bucket'";
        var firstLayout = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
        command.CommandText = firstLayout
            ? CreateContacts("contacts_clustered") + """
                INSERT INTO contacts_clustered (tenant, bucket, contact_id, version, body)
                    SELECT tenant, bucket, contact_id, version, body FROM contacts;
                DROP TABLE contacts;
                ALTER TABLE contacts_clustered RENAME TO contacts;
                """
            : CreateContacts("contacts");
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Marks the contacts of the <see cref="EstimationSample"/> (<c>sample = 1</c>, set by every insert) and keeps their
    /// documents in a partial covering index as well, so the sample is read as one range of about a hundredth of the
    /// file. The sample's definition is kept in <c>meta</c>: a file of an earlier layout (no column) or of another
    /// sample is marked anew when it is opened.
    /// </summary>
    private static async Task MarkSampleAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var definition = $"{EstimationSample.Seed}<{EstimationSample.Buckets}";
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = 'sample'";
        if (await command.ExecuteScalarAsync(cancellationToken) as string == definition)
        {
            return;
        }
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('contacts') WHERE name = 'sample'";
        if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            command.CommandText = "ALTER TABLE contacts ADD COLUMN sample INTEGER NOT NULL DEFAULT 0";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        connection.CreateFunction("in_estimation_sample", (string contactId) => EstimationSample.Contains(contactId) ? 1 : 0, isDeterministic: true);
        command.CommandText = """
            DROP INDEX IF EXISTS contacts_sample;
            UPDATE contacts SET sample = in_estimation_sample(contact_id) WHERE sample != in_estimation_sample(contact_id);
            CREATE INDEX contacts_sample ON contacts (tenant, contact_id, body) WHERE sample = 1;
            INSERT OR REPLACE INTO meta (key, value) VALUES ('sample', $definition);
            """;
        command.Parameters.AddWithValue("$definition", definition);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// What a partition's scan form needs to know what changed (<see cref="Core.Ports.IPartitionChanges"/>): each commit
    /// that writes or deletes contacts takes the next number of a sequence kept in <c>meta</c> (<see cref="NextChangeSql"/>)
    /// and stamps it on the rows it writes (<c>changed</c>, indexed per partition) or on a tombstone of each contact it
    /// deletes (<c>contact_deletions</c>). SQLite has one writer at a time, which holds its lock from its first write to its
    /// commit, so the numbers are in commit order: a reader that sees a number sees every smaller one. Rows of a file
    /// made before have <c>changed = 0</c>.
    /// </summary>
    private static async Task TrackChangesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('contacts') WHERE name = 'changed'";
        if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            command.CommandText = "ALTER TABLE contacts ADD COLUMN changed INTEGER NOT NULL DEFAULT 0";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        command.CommandText = """
            CREATE INDEX IF NOT EXISTS contacts_changed ON contacts (tenant, bucket, changed);
            CREATE TABLE IF NOT EXISTS contact_deletions (
                tenant TEXT NOT NULL,
                bucket INTEGER NOT NULL,
                changed INTEGER NOT NULL,
                contact_id TEXT NOT NULL,
                PRIMARY KEY (tenant, bucket, changed, contact_id)) WITHOUT ROWID;
            INSERT OR IGNORE INTO meta (key, value) VALUES ('changes', '0');
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Takes the next change number (inside a writing transaction: see <see cref="TrackChangesAsync"/>).</summary>
    internal const string NextChangeSql = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'changes' RETURNING CAST(value AS INTEGER)";

    /// <summary>
    /// An open connection. Reads are memory-mapped (mmap_size, capped by SQLite's build), sparing a copy of every page
    /// a scan reads. synchronous=NORMAL under WAL: a committed write survives a crash of the process (what a
    /// checkpoint after the fold relies on); only an operating system crash or power loss can undo the last commits.
    /// busy_timeout: see <see cref="ConnectionSetup.WaitForWriters"/>. A page cache of up to 32 MB a connection (SQLite's default is 2 MB, 125 of these 16 KB pages): the
    /// map covers the database file only, so every page whose latest version is still in the write-ahead file, which is
    /// every page the fold wrote since SQLite's last checkpoint, was read again with a system call and a copy when not
    /// cached (a twentieth of serve's CPU under ingestion). The settings are applied once to each native connection
    /// (<see cref="ConnectionSetup"/>; at every operation, preparing them had cost the fold a fifth of its time, one
    /// contact read at a time).
    /// </summary>
    public async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await Setup.ApplyAsync(connection, cancellationToken);
        return connection;
    }

    private static readonly ConnectionSetup Setup = new(
        "PRAGMA synchronous = NORMAL; " + ConnectionSetup.WaitForWriters + " PRAGMA mmap_size = 68719476736; PRAGMA cache_size = -32768;");
}
