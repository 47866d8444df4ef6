// Stream fold throughput (events/s) into the contact stores: events split by contact into 4 partitions, as a hub's
// partition key does, each folded in batches of up to 256 (one read and one write per contact per batch), the
// partitions at the same time, written to SQLite (a temporary file, WAL) and to the local Cosmos server (tests/emulators, Gateway mode
// over loopback HTTPS); the in-memory store gives the fold's own ceiling for comparison. Two rounds per store: "new" folds into contacts that do not exist yet, "grow" folds as
// many new events again into the existing documents. Run from the repository root:
//
//   dotnet run -c Release --project bench/Segments.Bench.Store [-- --sqlite-events N --cosmos-events N --contacts N]
using System.Diagnostics;
using System.Text;
using Microsoft.Azure.Cosmos;
using Segments.Azure.Cosmos;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Embedded.Contacts;
using Segments.Engine.Documents;
using Segments.TestSupport.Contracts;
using Segments.TestSupport.Emulators;
using Segments.TestSupport.Stores;

var sqliteEvents = Option("--sqlite-events", 40_000);
var cosmosEvents = Option("--cosmos-events", 8_000);
var contacts = Option("--contacts", 2_000);
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {contacts:N0} contacts, 4 partitions, batches of up to 256");

// The fold's own ceiling on this machine, with nothing stored durably.
await MeasureAsync("in-memory (baseline)", new InMemoryContactStore(), sqliteEvents);

var folder = Directory.CreateTempSubdirectory("segments-bench-").FullName;
try
{
    var database = await SqliteDatabase.OpenAsync(Path.Combine(folder, "contacts.db"));
    await MeasureAsync("sqlite", new SqliteContactStore(database), sqliteEvents);
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}

await using (var emulators = await LocalEmulators.StartAsync())
{
    using var client = new CosmosClient(emulators.CosmosEndpoint.ToString(), LocalEmulators.CosmosKey, new CosmosClientOptions
    {
        ConnectionMode = ConnectionMode.Gateway,
        LimitToEndpoint = true,
        HttpClientFactory = emulators.CreateCosmosHttpClient,
    });
    Database cosmos = await client.CreateDatabaseIfNotExistsAsync("segments");
    var container = await CosmosContactStore.CreateContainerIfNotExistsAsync(cosmos, "contacts-bench");
    await MeasureAsync("cosmos (local server)", new CosmosContactStore(container), cosmosEvents);
}

async Task MeasureAsync(string name, IContactStore store, int events)
{
    foreach (var (round, seed) in new[] { ("new", 1), ("grow", 2) })
    {
        var partitions = StreamEvents.Generate(seed, events, contacts)
            .Select((json, i) => new StreamMessage("bench", Encoding.UTF8.GetBytes(json), $"bench/{seed}/{i}"))
            .GroupBy(m => ContactPartitions.Of(ContactOf(m), 4))
            .Select(p => p.Chunk(256).ToList()).ToList();
        var fold = new CountingFold(new StreamFolder(store, new InMemoryDeadLetterStore(), new ContactFolder(new FoldOptions()), TimeProvider.System));
        var clock = Stopwatch.StartNew();
        var retries = 0;
        await Task.WhenAll(partitions.Select(batches => Task.Run(async () =>
        {
            foreach (var batch in batches)
            {
                await BatchRetry.RunAsync(ct => fold.HandleAsync(batch, ct), TimeProvider.System, CancellationToken.None, (error, _) =>
                {
                    Interlocked.Increment(ref retries);
                    Console.WriteLine($"  batch retried: {error.GetType().Name}: {error.Message}");
                });
            }
        })));
        clock.Stop();
        Console.WriteLine($"{name,-22} {round,-5} {events,8:N0} events  {fold.Added,8:N0} added  {fold.Writes,7:N0} contact writes  " +
            $"{clock.Elapsed.TotalSeconds,6:N2} s  {events / clock.Elapsed.TotalSeconds,9:N0} events/s  {retries} retried batches");
    }
    // Retried batches fold again what an attempt had already written (counted as duplicates, not added): the
    // stored total is what must be exact.
    var stored = 0;
    foreach (var partition in await store.ListPartitionsAsync("bench"))
    {
        await foreach (var document in store.ScanAsync("bench", partition))
        {
            stored += document.Events.Length;
        }
    }
    Console.WriteLine($"{name,-22} {stored:N0} events stored of {2 * events:N0} delivered" + (stored == 2 * events ? "" : "  MISMATCH"));
}

static string ContactOf(StreamMessage message) =>
    System.Text.Json.JsonDocument.Parse(message.Body).RootElement.GetProperty("contactId").GetString()!;

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

/// <summary>Adds up what the batches did, so a run that folds nothing cannot pass for a fast one.</summary>
internal sealed class CountingFold(IStreamBatchHandler inner) : IStreamBatchHandler
{
    private int _added;
    private int _writes;

    public int Added => _added;

    public int Writes => _writes;

    public async Task<StreamFoldResult> HandleAsync(IReadOnlyList<StreamMessage> batch, CancellationToken cancellationToken = default)
    {
        var result = await inner.HandleAsync(batch, cancellationToken);
        Interlocked.Add(ref _added, result.Added);
        Interlocked.Add(ref _writes, result.ContactsWritten);
        return result;
    }
}
