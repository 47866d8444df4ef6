using Microsoft.Data.Sqlite;

namespace Segments.Embedded.Catalog;

/// <summary>Opens connections to a SQLite database whose tables are created on the first open.</summary>
public sealed class SqliteTables(string connectionString, string createTables)
{
    private volatile bool _created;

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (!_created)
            {
                // WAL lets readers go on while a commit is written.
                await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;" + createTables, cancellationToken);
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
