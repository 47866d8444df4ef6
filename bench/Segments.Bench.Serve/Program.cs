// `segments serve` as a user runs it, a child process on loopback driven through its HTTP routes (see bench/README.md):
//
//   ingest   events/s acknowledged by POST /api/events: 8 clients, batches of 10, one request at a time each
//   fold     events/s from the first POST /api/events to folded and tracked, with no drips or triggers and with 12 of each
//   crash    kill -9 and SIGTERM rounds: every acknowledged event folded exactly once, tracking exact, broadcasts whole
//   console  the console's first load beside an empty Blazor WebAssembly app's, loaded in turn in one browser
//
// Run from the repository root:
//
//   dotnet run -c Release --project bench/Segments.Bench.Serve -- ingest [--seconds 20] [--clients 8] [--batch 10] [--warmup 3] [--serve-only]
//   dotnet run -c Release --project bench/Segments.Bench.Serve -- fold [--events 20000] [--contacts 2000]
//   dotnet run -c Release --project bench/Segments.Bench.Serve -- crash [--kill 20] [--term 10]
//   dotnet run -c Release --project bench/Segments.Bench.Serve -- console [--loads 7]
using System.Diagnostics;
using System.Globalization;
using Segments.Bench.Serve;

var mode = args.FirstOrDefault() ?? "";
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
switch (mode)
{
    case "ingest":
        await Ingestion.RunAsync(Option("--seconds", 20), Option("--clients", 8), Option("--batch", 10), Option("--warmup", 3), args.Contains("--serve-only"));
        break;
    case "fold":
        await TrackedFold.RunAsync(Option("--events", 20_000), Option("--contacts", 2_000));
        break;
    case "crash":
        return await CrashRounds.RunAsync(Option("--kill", 20), Option("--term", 10));
    case "console":
        await FirstLoad.RunAsync(Option("--loads", 7));
        break;
    default:
        Console.Error.WriteLine("usage: ingest [--seconds N] [--clients N] [--batch N] [--warmup N] [--serve-only] | fold [--events N] [--contacts N] | crash [--kill N] [--term N] | console [--loads N]");
        return 2;
}
return 0;

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

namespace Segments.Bench.Serve
{
    /// <summary>A fresh data folder for one run of the service, deleted afterwards.</summary>
    internal sealed class DataFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("segments-bench-serve-").FullName;

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Path, recursive: true);
        }
    }

    internal static class Clock
    {
        public static async Task<TimeSpan> TimeAsync(Func<Task> work)
        {
            var clock = Stopwatch.StartNew();
            await work();
            return clock.Elapsed;
        }
    }
}
