using System.Diagnostics;
using System.Globalization;
using Segments.Embedded.Contacts;
using Segments.Engine.Documents;
using Segments.Engine.Synthetic;

namespace Segments.Bench;

/// <summary>
/// The synthetic tenant (seed 7, about 27 events a contact, folded) in an embedded SQLite store of 16 partitions, loaded
/// once into a database file that later runs (of any benchmark linking this file) reuse; loading is never timed.
/// </summary>
public static class SyntheticStore
{
    public const string Tenant = "bench";

    public static readonly DateTimeOffset AsOf = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static string DefaultFile(int contacts) => Path.Combine(Path.GetTempPath(), $"segments-bench-resolve-{contacts}.db");

    public static async Task<(SqliteDatabase Database, SqliteContactStore Store)> OpenAsync(string file, int contacts)
    {
        var database = await SqliteDatabase.OpenAsync(file, partitions: 16);
        var store = new SqliteContactStore(database);
        await using (var connection = await database.ConnectAsync(CancellationToken.None))
        await using (var count = connection.CreateCommand())
        {
            count.CommandText = "SELECT COUNT(*) FROM contacts WHERE tenant = $tenant";
            count.Parameters.AddWithValue("$tenant", Tenant);
            if (Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture) == contacts)
            {
                return (database, store);
            }
        }
        var clock = Stopwatch.StartNew();
        var tenant = new SyntheticTenant(seed: 7, AsOf);
        var folder = new ContactFolder(new FoldOptions());
        var writes = new List<Task>();
        for (var i = 0; i < contacts; i++)
        {
            var profile = tenant.Profile(i);
            var document = folder.Fold(new ContactDocument(profile.Id).WithProfile(profile), tenant.Events(profile.Id)).Document;
            writes.Add(store.WriteAsync(Tenant, document, ifMatch: null));
            if (writes.Count == 2048)
            {
                await Task.WhenAll(writes);
                writes.Clear();
            }
        }
        await Task.WhenAll(writes);
        Console.WriteLine($"loaded {contacts:N0} contacts in {clock.Elapsed.TotalSeconds:N0} s (not part of the measurement)");
        return (database, store);
    }

    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Segments.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Segments.sln above {AppContext.BaseDirectory}");
    }
}
