using System.Diagnostics;
using System.Text.Json;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Language;
using Segments.Engine.Model;
using Segments.Engine.Synthetic;

// Usage: dotnet run -c Release --project bench/Segments.Bench [-- CONTACTS]
var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
var asOf = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
Console.WriteLine($"Segments engine benchmark: {count:N0} contacts, {Environment.ProcessorCount} cores, .NET {Environment.Version}");

// Fold: events are generated in chunks outside the timed region; only Fold is timed.
var folder = new ContactFolder(new FoldOptions());
var pool = EventInfoPool.Shared;
var synthetic = new SyntheticTenant(seed: 1, asOf);
var contacts = new ContactDocument[count];
long events = 0;
var foldTime = TimeSpan.Zero;
var before = GC.GetTotalMemory(forceFullCollection: true);
const int chunk = 20_000;
for (var start = 0; start < count; start += chunk)
{
    var end = Math.Min(count, start + chunk);
    var batches = new List<ContactEvent>[end - start];
    for (var i = start; i < end; i++)
    {
        var profile = synthetic.Profile(i);
        contacts[i] = new ContactDocument(profile.Id).WithProfile(profile);
        batches[i - start] = synthetic.Events(profile.Id);
        events += batches[i - start].Count;
    }
    var watch = Stopwatch.StartNew();
    for (var i = start; i < end; i++)
    {
        contacts[i] = folder.Fold(contacts[i], batches[i - start]).Document;
    }
    foldTime += watch.Elapsed;
}
var after = GC.GetTotalMemory(forceFullCollection: true);
GC.KeepAlive(contacts);
Console.WriteLine($"fold: {events:N0} events ({events / (double)count:F1} a contact) in {foldTime.TotalSeconds:F2} s = {events / foldTime.TotalSeconds:N0} events/s on one core");
Console.WriteLine($"memory: {(after - before) / (double)count:F0} bytes a folded contact (profile and activity; {pool.Count:N0} shared event contents)");

// Evaluation: each segment over every contact on one core, best of three passes.
var seeds = JsonDocument.Parse(File.ReadAllText(FindSeedSegments())).RootElement;
var definitions = seeds.EnumerateArray().Select(d => DefinitionParser.Parse(d, SyntheticTenant.Schema).Definition!).ToList();
var set = new SegmentSet(definitions);
var t = new AsOf(asOf);
foreach (var id in (Environment.GetEnvironmentVariable("BENCH_SEGMENTS") ?? "win-back,hot-prospects,vip,re-permission").Split(','))
{
    var segment = set[id];
    var best = TimeSpan.MaxValue;
    var members = 0;
    for (var pass = 0; pass < 3; pass++)
    {
        members = 0;
        var watch = Stopwatch.StartNew();
        foreach (var contact in contacts)
        {
            if (segment.Matches(contact, t))
            {
                members++;
            }
        }
        best = watch.Elapsed < best ? watch.Elapsed : best;
    }
    Console.WriteLine($"evaluate {id,-14} {members,9:N0} members  {count / best.TotalSeconds,14:N0} contacts/s on one core");
}

static string FindSeedSegments()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "tests", "data", "seed-audiences", "segments.json");
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }
    throw new FileNotFoundException("tests/data/seed-audiences/segments.json not found above " + AppContext.BaseDirectory);
}
