using Microsoft.Data.Sqlite;
using Segments.Core.Ports;
using Segments.Embedded.Contacts;
using Segments.Engine.Documents;
using Segments.TestSupport.Contracts;
using Segments.TestSupport.Stores;

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
        var letter = Assert.Single((await new SqliteDeadLetterStore(after).PageAsync("t1", null, 1000)).Letters);
        Assert.Equal(("stream:p0/200", "not json"), (letter.Source, letter.Payload));
    }

    [Fact]
    public async Task Every_connection_has_the_settings_whether_new_reused_from_the_pool_or_opened_after_the_pool_was_cleared()
    {
        var database = await SqliteDatabase.OpenAsync(File);
        var seen = new List<(long Synchronous, long BusyTimeout)>();
        for (var i = 0; i < 4; i++)
        {
            if (i == 2)
            {
                SqliteConnection.ClearAllPools(); // the native connections are closed: the next one is new
            }
            // Two at once: the second is a native connection of its own.
            await using var first = await database.ConnectAsync(CancellationToken.None);
            await using var second = await database.ConnectAsync(CancellationToken.None);
            seen.Add(await SettingsAsync(first));
            seen.Add(await SettingsAsync(second));
        }
        Assert.All(seen, s => Assert.Equal((1L, 30_000L), s)); // synchronous = NORMAL (1), busy_timeout in ms
    }

    private static async Task<(long, long)> SettingsAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        var synchronous = (long)(await command.ExecuteScalarAsync())!;
        command.CommandText = "PRAGMA busy_timeout";
        return (synchronous, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_file_of_the_first_layout_is_moved_to_the_clustered_one_with_every_contact_and_version()
    {
        // The first layout, as SqliteDatabase created it before contacts were clustered by bucket.
        var memory = new InMemoryContactStore();
        await Folder(memory).HandleAsync(StreamEvents.Messages("t1", StreamEvents.Generate(seed: 4, count: 120, contacts: 12)));
        var documents = (await ScanAllAsync(memory, "t1")).Values.ToList();
        await using (var connection = new SqliteConnection($"Data Source={File}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                INSERT INTO meta (key, value) VALUES ('partitions', '4');
                CREATE TABLE contacts (tenant TEXT NOT NULL, contact_id TEXT NOT NULL, bucket INTEGER NOT NULL, version INTEGER NOT NULL,
                    body BLOB NOT NULL, PRIMARY KEY (tenant, contact_id)) WITHOUT ROWID;
                CREATE INDEX contacts_by_bucket ON contacts (tenant, bucket, contact_id);
                """;
            await command.ExecuteNonQueryAsync();
            command.CommandText = "INSERT INTO contacts VALUES ($tenant, $id, $bucket, 3, $body)";
            foreach (var document in documents)
            {
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$tenant", "t1");
                command.Parameters.AddWithValue("$id", document.Id);
                command.Parameters.AddWithValue("$bucket", ContactPartitions.Of(document.Id, 4));
                command.Parameters.AddWithValue("$body", ContactDocumentJson.Serialize(document));
                await command.ExecuteNonQueryAsync();
            }
        }
        SqliteConnection.ClearAllPools();

        var store = new SqliteContactStore(await SqliteDatabase.OpenAsync(File));
        var read = await ScanAllAsync(store, "t1");

        Assert.Equal(documents.Select(d => d.Id).Order(), read.Keys.Order());
        Assert.All(documents, d => Assert.Equal(Json(d), Json(read[d.Id])));
        var stored = await store.ReadAsync("t1", documents[0].Id);
        Assert.Equal("3", stored!.ETag);
        Assert.Equal("4", await store.WriteAsync("t1", stored.Document, ifMatch: "3"));
        SqliteConnection.ClearAllPools();
        Assert.Equal(read.Count, (await ScanAllAsync(new SqliteContactStore(await SqliteDatabase.OpenAsync(File)), "t1")).Count); // opened again: no second move
    }

    [Fact]
    public async Task A_file_from_before_the_estimation_sample_gets_its_sample_marked_and_read_from_the_covering_index()
    {
        var ids = Enumerable.Range(0, 400).Select(i => $"c{i:D4}").ToList();
        await using (var connection = new SqliteConnection($"Data Source={File}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                INSERT INTO meta (key, value) VALUES ('partitions', '4');
                CREATE TABLE contacts (tenant TEXT NOT NULL, bucket INTEGER NOT NULL, contact_id TEXT NOT NULL, version INTEGER NOT NULL,
                    body BLOB NOT NULL, PRIMARY KEY (tenant, bucket, contact_id)) WITHOUT ROWID;
                """;
            await command.ExecuteNonQueryAsync();
            command.CommandText = "INSERT INTO contacts VALUES ('t1', $bucket, $id, 1, $body)";
            foreach (var id in ids)
            {
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$bucket", ContactPartitions.Of(id, 4));
                command.Parameters.AddWithValue("$body", ContactDocumentBinary.Serialize(new ContactDocument(id)));
                await command.ExecuteNonQueryAsync();
            }
        }
        SqliteConnection.ClearAllPools();

        var database = await SqliteDatabase.OpenAsync(File);
        var store = new SqliteContactStore(database);
        var sampled = new List<string>();
        await foreach (var contact in store.ScanSampleAsync("t1"))
        {
            sampled.Add(contact.Id);
        }

        Assert.Equal(ids.Where(EstimationSample.Contains), sampled.Order(StringComparer.Ordinal));
        Assert.NotEmpty(sampled);
        await using var plan = await database.ConnectAsync(CancellationToken.None);
        await using var explain = plan.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN SELECT body FROM contacts INDEXED BY contacts_sample WHERE tenant = 't1' AND sample = 1";
        Assert.Contains("COVERING INDEX contacts_sample", (string)(await explain.ExecuteReaderAsync() is var r && await r.ReadAsync() ? r.GetString(3) : ""));
    }

    [Fact]
    public async Task A_batch_read_looks_each_contact_up_by_its_primary_key()
    {
        var database = await SqliteDatabase.OpenAsync(File);
        await using var connection = await database.ConnectAsync(CancellationToken.None);
        await using var explain = connection.CreateCommand();
        explain.CommandText = """
            EXPLAIN QUERY PLAN SELECT c.contact_id, c.version, c.body FROM json_each('[[1,"c1"]]') AS k
            CROSS JOIN contacts AS c ON c.tenant = 't1' AND c.bucket = k.value ->> 0 AND c.contact_id = k.value ->> 1
            """;
        var plan = new List<string>();
        await using var rows = await explain.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            plan.Add(rows.GetString(3));
        }
        Assert.Contains("SEARCH c USING PRIMARY KEY (tenant=? AND bucket=? AND contact_id=?)", plan);
    }

    [Theory]
    [InlineData("PRAGMA journal_mode", "wal")]
    [InlineData("PRAGMA page_size", 16384L)] // a typical document fits in its cell, with no overflow page
    public async Task A_new_database_is_set_up_for_scans(string pragma, object expected)
    {
        var database = await SqliteDatabase.OpenAsync(File);
        await using var connection = await database.ConnectAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = pragma;

        Assert.Equal(expected, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_dead_letter_added_again_for_the_same_delivery_is_kept_once()
    {
        var letters = new SqliteDeadLetterStore(await SqliteDatabase.OpenAsync(File));
        var at = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

        await letters.AddAsync(new DeadLetter("t1", "stream:p0/3", "first", "{}", at));
        await letters.AddAsync(new DeadLetter("t1", "stream:p0/3", "replayed", "{}", at.AddHours(1)));
        await letters.AddAsync(new DeadLetter("t2", "stream:p0/3", "other tenant", "{}", at));

        var kept = Assert.Single((await letters.PageAsync("t1", null, 1000)).Letters);
        Assert.Equal(("first", at), (kept.Reason, kept.At));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
