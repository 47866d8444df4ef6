using Segments.Core.Ports;
using Segments.Core.Tests.Stream;
using Segments.Embedded.Contacts;

namespace Segments.Embedded.Tests.Contacts;

public sealed class SqliteContactStoreTests : ContactStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-sqlite-").FullName;

    private string File => Path.Combine(_folder, "segments.db");

    protected override async Task<IContactStore> CreateStoreAsync() => new SqliteContactStore(await SqliteDatabase.OpenAsync(File));

    [Fact]
    public async Task Documents_and_dead_letters_survive_a_restart()
    {
        var before = await SqliteDatabase.OpenAsync(File, partitions: 5);
        var folder = Folder(new SqliteContactStore(before), new SqliteDeadLetterStore(before));
        var events = StreamEvents.Generate(seed: 8, count: 200, contacts: 9).Append("not json");
        await folder.HandleAsync(StreamEvents.Messages("t1", events));
        var written = await ScanAllAsync(new SqliteContactStore(before), "t1");

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // as if the process had ended
        var after = await SqliteDatabase.OpenAsync(File, partitions: 16);
        var store = new SqliteContactStore(after);
        var read = await ScanAllAsync(store, "t1");

        Assert.Equal(5, after.Partitions); // fixed when the file was created
        Assert.Equal(written.Keys.Order(), read.Keys.Order());
        Assert.All(written, w => Assert.Equal(Json(w.Value), Json(read[w.Key])));
        var letter = Assert.Single(await new SqliteDeadLetterStore(after).ListAsync("t1").ToListAsync());
        Assert.Equal(("stream:p0/200", "not json"), (letter.Source, letter.Payload));
    }

    [Fact]
    public async Task The_database_runs_in_wal_mode()
    {
        var database = await SqliteDatabase.OpenAsync(File);
        await using var connection = await database.ConnectAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_dead_letter_added_again_for_the_same_delivery_is_kept_once()
    {
        var letters = new SqliteDeadLetterStore(await SqliteDatabase.OpenAsync(File));
        var at = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

        await letters.AddAsync(new DeadLetter("t1", "stream:p0/3", "first", "{}", at));
        await letters.AddAsync(new DeadLetter("t1", "stream:p0/3", "replayed", "{}", at.AddHours(1)));
        await letters.AddAsync(new DeadLetter("t2", "stream:p0/3", "other tenant", "{}", at));

        var kept = Assert.Single(await letters.ListAsync("t1").ToListAsync());
        Assert.Equal(("first", at), (kept.Reason, kept.At));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
