using System.Diagnostics;
using System.Globalization;
using Segments.Bench.Offline;

// Usage: dotnet run -c Release --project bench/Segments.Bench.Offline [-- [generate] --contacts N] [--data DIR] [--segments DLL]
//        [--rounds R] [--part both|whole|audiences]
// Writes the data set into DIR (default /tmp/segments-offline-N) unless it is there already, then compares
// (`generate` only writes it).
var options = Options.Parse(args);
Console.WriteLine($"Offline benchmark beside DuckDB: {options.Contacts:N0} contacts, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
if (!SyntheticDataSet.Exists(options.Data, options.Contacts))
{
    var watch = Stopwatch.StartNew();
    var (_, events) = SyntheticDataSet.Write(options.Data, options.Contacts);
    Console.WriteLine($"wrote {options.Data}: {events:N0} events (+1% delivered twice) in {watch.Elapsed.TotalSeconds:F0} s");
}
if (args.Contains("generate"))
{
    return 0;
}
var size = new FileInfo(Path.Combine(options.Data, "events.jsonl")).Length;
Console.WriteLine($"data set {options.Data}: events.jsonl {size / 1e9:F2} GB");

var failed = (options.Part is "both" or "whole" && !WholeCommand.Compare(options))
    | (options.Part is "both" or "audiences" && !PerAudience.Compare(options));
return failed ? 1 : 0;

internal sealed record Options(int Contacts, string Data, string Segments, int Rounds, string Part)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var contacts = int.Parse(Value("--contacts") ?? "1000000", CultureInfo.InvariantCulture);
        var segments = Value("--segments") ?? Path.Combine(RepositoryRoot(), ".build", "cli", "segments.dll");
        if (!File.Exists(segments) && !args.Contains("generate"))
        {
            throw new FileNotFoundException($"{segments} is missing: build the command line first (./segments --help), or pass --segments PATH");
        }
        return new Options(contacts, Value("--data") ?? $"/tmp/segments-offline-{contacts}", segments,
            int.Parse(Value("--rounds") ?? "3", CultureInfo.InvariantCulture), Value("--part") ?? "both");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Segments.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("Segments.sln not found above " + AppContext.BaseDirectory);
    }
}
