// Send-time audience resolution end to end, as `segments serve` runs it: the resolution orchestration on serve's
// in-process Durable Task backend (its source in Segments.Cli/Serve, compiled in here), contacts in the embedded SQLite
// store (16 partitions), the audience written to a local folder.
// The contacts (synthetic, about 27 events each, folded) are loaded once into a database file that later runs reuse;
// loading is not timed. The partitions' scan forms are kept between runs (PartitionForms): the first run builds them
// (cold), the second reads them (warm); before and after them the same send on the documents, as over a store without
// forms; then a saved segment's preview, on the forms and on the documents. Run from the repository root:
//
//   dotnet run -c Release --project bench/Segments.Bench.Resolve [-- --contacts N --segment ID --list LIST --db FILE]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Segments.Bench;
using Segments.Cli.Serve;
using Segments.Core.Audience;
using Segments.Core.Catalog;
using Segments.Core.Contacts;
using Segments.Core.Ports;
using Segments.Embedded.Audiences;
using Segments.Embedded.Broadcasts;
using Segments.Engine.Synthetic;
using Segments.Orchestration;
using Segments.TestSupport.Stores;

const string Tenant = SyntheticStore.Tenant;
var contacts = Option("--contacts", 1_000_000);
var segment = Text("--segment", "re-permission")!;
var list = Text("--list", "newsletter");
var asOf = SyntheticStore.AsOf;
var db = Text("--db", SyntheticStore.DefaultFile(contacts))!;
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {contacts:N0} contacts, segment {segment}, list {list}");

var (_, store) = await SyntheticStore.OpenAsync(db, contacts);

var catalog = new InMemoryCatalogStore();
var segments = new SegmentCatalog(catalog);
await segments.SetSchemaAsync(Tenant, SyntheticTenant.Schema);
using (var definitions = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SyntheticStore.Root(), "tests", "data", "seed-audiences", "segments.json"))))
{
    foreach (var definition in definitions.RootElement.EnumerateArray())
    {
        var saved = await segments.SaveSegmentAsync(Tenant, definition, ifMatch: null);
        if (!saved.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", saved.Errors));
        }
    }
}
var forms = new PartitionForms(store);
var output = Directory.CreateTempSubdirectory("segments-bench-audience-").FullName;
var sink = new FolderAudienceSink(output);
try
{
    // Two hosts, as two serve processes would be: one keeping scan forms, one reading documents (a store that cannot tell
    // what changed), started before anything is timed.
    using var withForms = await StartAsync(forms);
    using var withDocuments = await StartAsync(null);
    // On the documents before and after the forms' runs: the first pays the first touch of the file and the compilation of
    // the paths both share, as the cold run would alone.
    foreach (var (run, host) in new[] { ("documents-1", withDocuments), ("cold", withForms), ("warm", withForms), ("documents-2", withDocuments) })
    {
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var id = BroadcastInstance.Id(Tenant, run);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(ResolveAudienceOrchestrator),
            new ResolveAudienceInput(Tenant, run, segment, list, asOf), new StartOrchestrationOptions(id));
        var state = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
        clock.Stop();
        if (state.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            throw new InvalidOperationException($"{state.RuntimeStatus}: {state.FailureDetails?.ErrorMessage}");
        }
        var manifest = state.ReadOutputAs<AudienceManifest>()!;
        var t = manifest.Timings!;
        var bytes = Directory.GetFiles(Path.Combine(output, new AudienceAddress(Tenant, run).Folder)).Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"{run}: matched {manifest.Matched:N0}, suppressed {manifest.Suppressed.Values.Sum():N0}, opted out {manifest.OptedOut:N0}, " +
            $"audience {manifest.Audience:N0} in {manifest.Parts.Count} parts ({bytes:N0} bytes)");
        Console.WriteLine($"  end to end (schedule to completed, manifest written) {clock.Elapsed.TotalMilliseconds,8:N0} ms" +
            $" (CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:N0} ms, load average {LoadAverage()})");
        Console.WriteLine($"  freeze the segment                                     {t.PrepareMs,8:N0} ms");
        Console.WriteLine($"  list the partitions                                    {t.PartitionsMs,8:N0} ms");
        Console.WriteLine($"  fan-out: scan, evaluate, write all parts (wall clock)  {t.ResolveMs,8:N0} ms");
        Console.WriteLine($"    of which, summed over parts: scan and evaluate       {t.ScanMs,8:N0} ms");
        Console.WriteLine($"    of which, summed over parts: write                   {t.WriteMs,8:N0} ms");
        Console.WriteLine($"  manifest (the rest of end to end)                      {clock.Elapsed.TotalMilliseconds - t.TotalMs,8:N0} ms");
    }
    Console.WriteLine($"forms kept: {forms.Bytes:N0} bytes ({(double)forms.Bytes / contacts:N0} a contact)");
    foreach (var (name, preview, rounds) in new[] { ("preview on the forms", new SegmentPreview(segments, store, forms), 2), ("preview on the documents", new SegmentPreview(segments, store), 1) })
    {
        for (var round = 0; round < rounds; round++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var result = await preview.RunAsync(Tenant, segment, asOf, SegmentPreview.DefaultSample);
            Console.WriteLine($"{name}, round {round + 1}: {result!.Count:N0} members in {clock.Elapsed.TotalMilliseconds:N0} ms" +
                $" (CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:N0} ms, load average {LoadAverage()})");
        }
    }
    await withForms.StopAsync();
    await withDocuments.StopAsync();
}
finally
{
    Directory.Delete(output, recursive: true);
}

async Task<IHost> StartAsync(PartitionForms? kept)
{
    var host = new HostBuilder().ConfigureServices(services =>
    {
        services.AddLogging(logging => logging.AddConsole().SetMinimumLevel(LogLevel.Warning)) // the sidecar logs every call at Information
            .AddSingleton<IContactStore>(store).AddSingleton<ISuppressionStore>(new InMemorySuppressionStore()).AddSingleton<ICatalogStore>(catalog)
            .AddSingleton<IAudienceSink>(sink).AddSingleton(TimeProvider.System)
            .AddSingleton<IBroadcastStore>(new SqliteBroadcastStore($"Data Source={Path.Combine(output, $"broadcasts-{kept is not null}.db")}"))
            .AddInProcessDurableTask(tasks => tasks.AddAudienceResolution());
        if (kept is not null)
        {
            services.AddSingleton(kept);
        }
    }).Build();
    await host.StartAsync();
    return host;
}

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

int Option(string name, int fallback) => Text(name, null) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

string? Text(string name, string? fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
