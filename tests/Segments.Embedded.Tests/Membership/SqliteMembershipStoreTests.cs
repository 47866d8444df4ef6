using Microsoft.Data.Sqlite;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Embedded.Membership;
using Segments.TestSupport.Contracts;

namespace Segments.Embedded.Tests.Membership;

/// <summary>The membership store contract on SQLite; each store gets its own database file.</summary>
public sealed class SqliteMembershipStoreTests : MembershipStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-membership-").FullName;

    private string Database() =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, $"{Guid.NewGuid():N}.db"), Pooling = false }.ToString();

    protected override Task<IMembershipStore> CreateMembershipStoreAsync() => Task.FromResult<IMembershipStore>(new SqliteMembershipStore(Database()));

    protected override Task<IConsumerStore> CreateConsumerStoreAsync() => Task.FromResult<IConsumerStore>(new SqliteConsumerStore(Database()));

    protected override Task<IReportStore> CreateReportStoreAsync() => Task.FromResult<IReportStore>(new SqliteReportStore(Database()));

    [Fact]
    public async Task A_file_written_before_evaluations_were_dated_gets_the_column_and_reads_as_never_evaluated()
    {
        var database = Database();
        var edge = new DateTimeOffset(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);
        await using (var connection = new SqliteConnection(database))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = $"""
                CREATE TABLE membership (tenant TEXT NOT NULL, segment TEXT NOT NULL, contact TEXT NOT NULL, member INTEGER, next_at INTEGER,
                    PRIMARY KEY (tenant, segment, contact));
                INSERT INTO membership VALUES ('t1', 's1', 'c1', 1, {edge.UtcTicks});
                """;
            await create.ExecuteNonQueryAsync();
        }

        IMembershipStore store = new SqliteMembershipStore(database);
        Assert.Equal([new DueCheck("t1", "s1", "c1", edge)], await store.DueAsync(edge, 10));
        var left = await store.RecordAsync("t1", "s1", "c1", member: false, edge, baseline: false, next: null);
        Assert.Equal((ChangeKind.Left, edge), (left.Change!.Kind, left.Change.At));
        // Opened again, the file has the column already.
        IMembershipStore reopened = new SqliteMembershipStore(database);
        Assert.True((await reopened.RecordAsync("t1", "s1", "c1", member: true, edge.AddMinutes(-1), baseline: false, next: null)).Stale);
        Assert.Empty(await reopened.DueAsync(edge, 10));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
