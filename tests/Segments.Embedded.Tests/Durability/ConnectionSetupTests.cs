using Microsoft.Data.Sqlite;
using Segments.Embedded.Catalog;
using Segments.Embedded.Contacts;

namespace Segments.Embedded.Tests.Durability;

/// <summary>
/// Every connection of the embedded databases lets SQLite wait for another writer's lock itself: without busy_timeout,
/// Microsoft.Data.Sqlite retries a busy statement after 150 ms sleeps, which held the tracked fold (two writers of the
/// membership database) to a fifth of the untracked one's rate.
/// </summary>
public sealed class ConnectionSetupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-connections-").FullName;

    [Fact]
    public async Task Connections_of_the_tables_databases_wait_for_writers_in_SQLite_each_time_the_pool_hands_them_out()
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "tables.db"), Pooling = true }.ToString();
        var tables = new SqliteTables(connectionString, "CREATE TABLE IF NOT EXISTS t (x INTEGER);");
        for (var open = 0; open < 3; open++)
        {
            await using var connection = await tables.OpenAsync(CancellationToken.None);
            Assert.Equal(30_000L, await BusyTimeoutAsync(connection));
        }
    }

    [Fact]
    public async Task Connections_of_the_contacts_database_wait_for_writers_in_SQLite()
    {
        var database = await SqliteDatabase.OpenAsync(Path.Combine(_folder, "contacts.db"));
        for (var open = 0; open < 3; open++)
        {
            await using var connection = await database.ConnectAsync(CancellationToken.None);
            Assert.Equal(30_000L, await BusyTimeoutAsync(connection));
        }
    }

    private static async Task<long> BusyTimeoutAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
