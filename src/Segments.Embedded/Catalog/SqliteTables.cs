using Microsoft.Data.Sqlite;

using Segments.Embedded.Durability;
namespace Segments.Embedded.Catalog;

/// <summary>
/// Opens connections to a SQLite database whose tables are created on the first open, then brought up to date by
/// <paramref name="upgrade"/> (a file written by an earlier version keeps its tables as they were created).
/// </summary>
public sealed class SqliteTables(string connectionString, string createTables, Func<SqliteConnection, CancellationToken, Task>? upgrade = null)
{
    private static readonly ConnectionSetup Setup = new(ConnectionSetup.WaitForWriters);

    private volatile bool _created;

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await Setup.ApplyAsync(connection, cancellationToken);
            if (!_created)
            {
                // WAL lets readers go on while a commit is written.
                await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;" + createTables, cancellationToken);
                if (upgrade is not null)
                {
                    await upgrade(connection, cancellationToken);
                }
                _created = true;
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds a column to a table an earlier version created without it; nothing when the table has it.</summary>
    public static async Task AddColumnAsync(SqliteConnection connection, string table, string column, string type, CancellationToken cancellationToken)
    {
        await using (var columns = Command(connection, "SELECT 1 FROM pragma_table_info($table) WHERE name = $column", ("$table", table),
            ("$column", column)))
        {
            if (await columns.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return;
            }
        }
        try
        {
            await ExecuteAsync(connection, $"ALTER TABLE {table} ADD COLUMN {column} {type}", cancellationToken);
        }
        catch (SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
        {
            // Another connection's first open added it meanwhile.
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one immediate transaction committed with <c>synchronous=NORMAL</c>: the commit
    /// survives a crash of the process but may be undone by a power loss until the write-ahead file is fsynced, which
    /// the host does before anything that relies on it leaves the database (see <c>StoreSync</c>). Other writes on the
    /// pooled connection afterwards are synced at once again.
    /// </summary>
    public static async Task<T> InFoldTransactionAsync<T>(SqliteConnection connection, Func<Task<T>> work)
    {
        await ExecuteAsync(connection, "PRAGMA synchronous = NORMAL", CancellationToken.None);
        try
        {
            // Immediate: the write lock is taken before anything is read, so no other writer slips in between.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await work();
            await transaction.CommitAsync();
            return result;
        }
        finally
        {
            await ExecuteAsync(connection, "PRAGMA synchronous = FULL", CancellationToken.None);
        }
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    public static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
