// Estimated counts of unsaved definitions (POST /api/segments:preview's path) over the synthetic tenant in the embedded
// SQLite store: for each of 100 random definitions, the estimate from the 1 % estimation sample (timed, best of three) and
// its 95 % interval, against the exact count of the same definition (one scan of every contact evaluating them all), and
// the time of an exact count of one definition in the same process as the reference. Run from the repository root:
//
//   dotnet run -c Release --project bench/Segments.Bench.Estimate [-- --contacts N --definitions N --seed N --db FILE]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Segments.Bench;
using Segments.Core.Catalog;
using Segments.Engine.Evaluation;
using Segments.Engine.Synthetic;
using Segments.TestSupport.Stores;

var contacts = Option("--contacts", 1_000_000);
var count = Option("--definitions", 100);
var seed = Option("--seed", 1);
var db = Text("--db", SyntheticStore.DefaultFile(contacts))!;
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {contacts:N0} contacts, {count} random definitions (seed {seed})");
var (_, store) = await SyntheticStore.OpenAsync(db, contacts);
var catalog = new SegmentCatalog(new InMemoryCatalogStore());
await catalog.SetSchemaAsync(SyntheticStore.Tenant, SyntheticTenant.Schema);
var preview = new SegmentPreview(catalog, store);

var random = new Random(seed);
var segments = new List<CompiledSegment>();
while (segments.Count < count)
{
    var json = $$"""{"id":"d{{segments.Count}}","name":"Random","match":{{RandomDefinitions.Condition(random, depth: 0)}}}""";
    var compiled = await catalog.CompileDraftAsync(SyntheticStore.Tenant, JsonDocument.Parse(json).RootElement);
    segments.Add(compiled.Value ?? throw new InvalidOperationException($"{json}: {string.Join("; ", compiled.Errors)}"));
}

// Exact counts: every contact evaluated against every definition in one scan.
var scan = Stopwatch.StartNew();
var exact = new long[count];
var t = new AsOf(SyntheticStore.AsOf);
foreach (var partition in await store.ListPartitionsAsync(SyntheticStore.Tenant))
{
    await foreach (var contact in store.ScanAsync(SyntheticStore.Tenant, partition))
    {
        for (var i = 0; i < count; i++)
        {
            exact[i] += segments[i].Matches(contact, t) ? 1 : 0;
        }
    }
}
Console.WriteLine($"exact counts of all {count} definitions in one scan: {scan.Elapsed.TotalSeconds:N1} s");

var reference = Stopwatch.StartNew();
await preview.CountAsync(SyntheticStore.Tenant, segments[0], SyntheticStore.AsOf, 10, exact: true);
var exactMs = reference.Elapsed.TotalMilliseconds;

var times = new List<double>();
var held = 0;
var widths = new List<double>();
for (var i = 0; i < count; i++)
{
    var best = double.MaxValue;
    PreviewResult result = null!;
    for (var pass = 0; pass < 3; pass++)
    {
        var clock = Stopwatch.StartNew();
        result = await preview.CountAsync(SyntheticStore.Tenant, segments[i], SyntheticStore.AsOf, 10, exact: false);
        best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
    }
    times.Add(best);
    var interval = result.Estimate ?? throw new InvalidOperationException("the tenant is too small for an estimate");
    var inside = interval.Low <= exact[i] && exact[i] <= interval.High;
    held += inside ? 1 : 0;
    widths.Add(contacts == 0 ? 0 : (interval.High - interval.Low) / (double)contacts);
    if (!inside)
    {
        Console.WriteLine($"  d{i}: exact {exact[i]:N0} outside [{interval.Low:N0}, {interval.High:N0}] (estimate {result.Count:N0})");
    }
}
times.Sort();
Console.WriteLine($"estimate (best of 3 per definition): median {times[count / 2]:N0} ms, 95th percentile {times[(int)(count * 0.95) - 1]:N0} ms, " +
    $"max {times[^1]:N0} ms; sample of {(await preview.CountAsync(SyntheticStore.Tenant, segments[0], SyntheticStore.AsOf, 0, false)).Estimate!.Sampled:N0} contacts");
Console.WriteLine($"exact count of one definition (reference, same process): {exactMs:N0} ms; estimate / exact = {times[count / 2] / exactMs:F3}");
Console.WriteLine($"intervals holding the exact count: {held} of {count} ({100.0 * held / count:F0} %); median width {widths.Order().ElementAt(count / 2):P2} of the contacts");

int Option(string name, int fallback) => Text(name, null) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

string? Text(string name, string? fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

/// <summary>Random definitions over the synthetic tenant's fields, events, lists, places and devices, nested up to three levels.</summary>
internal static class RandomDefinitions
{
    private static readonly string[] Plans = ["Free", "Starter", "Pro", "Enterprise"];
    private static readonly string[] Windows = ["7d", "30d", "90d", "180d", "365d"];
    private static readonly string[] Countries = ["DE", "FR", "US", "GB", "AT", "NL", "ES", "IT"];
    private static readonly string[] Clients = ["Gmail", "Apple Mail", "Outlook", "Yahoo Mail"];

    public static string Condition(Random random, int depth)
    {
        var pick = random.Next(depth < 2 ? 14 : 11);
        string Any(string[] values) => values[random.Next(values.Length)];
        string Window() => Any(Windows);
        return pick switch
        {
            0 => Fill("""{"field":{"name":"plan","op":"eq","value":"@0"}}""", Any(Plans)),
            1 => Fill("""{"field":{"name":"mrr","op":"gt","value":@0}}""", Number(random.Next(0, 3000))),
            2 => Fill("""{"field":{"name":"mrr","op":"between","value":[@0,@1]}}""", Number(random.Next(0, 500)), Number(random.Next(500, 5000))),
            3 => """{"field":{"name":"vip","op":"eq","value":true}}""",
            4 => Fill("""{"engagement":{"event":"@0","within":"@1"}}""", Any(["open", "click", "engaged"]), Window()),
            5 => Fill("""{"engagement":{"event":"open","within":"@0","count":{"op":"gte","value":@1}}}""", Window(), Number(random.Next(1, 6))),
            6 => Fill("""{"pixel":{"event":"page_view","where":[{"property":"path","op":"starts_with","value":"/pricing"}],"within":"@0"}}""", Window()),
            7 => Fill("""{"conversion":{"event":"purchase","within":"@0","value":{"op":"gte","value":@1}}}""", Window(), Number(random.Next(10, 500))),
            8 => Fill("""{"list":{"id":"newsletter","status":"@0"}}""", Any(["subscribed", "unsubscribed"])),
            9 => Fill("""{"geo":{"country":{"op":"eq","value":"@0"}}}""", Any(Countries)),
            10 => Fill("""{"device":{"client":{"op":"eq","value":"@0"}}}""", Any(Clients)),
            11 => Fill("""{"not":@0}""", Condition(random, depth + 1)),
            12 => Fill("""{"and":[@0,@1]}""", Condition(random, depth + 1), Condition(random, depth + 1)),
            _ => Fill("""{"or":[@0,@1]}""", Condition(random, depth + 1), Condition(random, depth + 1)),
        };
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The template with @0, @1 replaced by the values (the second first, so @1 never meets a value's text).</summary>
    private static string Fill(string template, params string[] values)
    {
        for (var i = values.Length - 1; i >= 0; i--)
        {
            template = template.Replace($"@{i}", values[i], StringComparison.Ordinal);
        }
        return template;
    }
}
