using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Segments.Bench.Offline;

/// <summary>
/// The whole offline command: `segments evaluate` over the data set folder as a child process (start to exit,
/// members printed) against DuckDB loading the same files into a fresh in-memory database and running the five
/// queries (members fetched), both on every core, in alternating rounds.
/// </summary>
internal static partial class WholeCommand
{
    public static bool Compare(Options options)
    {
        var ours = new List<double>();
        var duck = new List<double>();
        long peakRss = 0;
        Dictionary<string, List<string>> ourMembers = [], duckMembers = [];
        for (var round = 0; round < options.Rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            (ourMembers, var rss) = RunSegments(options);
            ours.Add(watch.Elapsed.TotalSeconds);
            peakRss = Math.Max(peakRss, rss);
            watch.Restart();
            duckMembers = RunDuckDb(options);
            duck.Add(watch.Elapsed.TotalSeconds);
            Console.WriteLine($"  round {round + 1}: segments evaluate {ours[^1]:F2} s, DuckDB load + queries {duck[^1]:F2} s");
        }
        var oursMedian = Statistics.Median(ours);
        var duckMedian = Statistics.Median(duck);
        Console.WriteLine($"whole command (median of {options.Rounds}): segments evaluate {oursMedian:F2} s, peak RSS {peakRss / 1e9:F2} GB; " +
            $"DuckDB load + queries {duckMedian:F2} s (bench process peak RSS {ProcessPeakRssBytes() / 1e9:F2} GB); " +
            $"{duckMedian / oursMedian:F2}× DuckDB");
        return Same("whole command", ourMembers, duckMembers);
    }

    internal static bool Same(string what, Dictionary<string, List<string>> ours, Dictionary<string, List<string>> duck)
    {
        var same = true;
        foreach (var audience in SyntheticDataSet.Audiences)
        {
            var a = ours.GetValueOrDefault(audience, []);
            var b = duck.GetValueOrDefault(audience, []);
            if (!a.SequenceEqual(b))
            {
                same = false;
                Console.WriteLine($"MISMATCH ({what}) {audience}: engine {a.Count:N0}, DuckDB {b.Count:N0}; only engine: " +
                    $"{string.Join(",", a.Except(b).Take(5))}; only DuckDB: {string.Join(",", b.Except(a).Take(5))}");
            }
        }
        return same;
    }

    /// <summary>The members printed, and the peak resident set of the process.</summary>
    private static (Dictionary<string, List<string>> Members, long PeakRss) RunSegments(Options options)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { options.Segments, "evaluate", "--data", options.Data, "--as-of", SyntheticDataSet.AsOf.ToString("O") })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = new MemoryStream();
        var copying = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        var peakRss = 0L;
        while (!process.WaitForExit(50))
        {
            peakRss = Math.Max(peakRss, HighWaterMarkBytes(process.Id));
        }
        copying.Wait();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"segments evaluate exited {process.ExitCode}: {stderr.Result}");
        }
        var members = new Dictionary<string, List<string>>();
        foreach (var line in System.Text.Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            members[json.RootElement.GetProperty("segment").GetString()!] =
                [.. json.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetString()!)];
        }
        return (members, peakRss);
    }

    /// <summary>
    /// The process's peak resident set so far (VmHWM of /proc/PID/status), read while it runs: a monotonic high-water mark,
    /// so the last read misses at most the last 50 ms. getrusage(RUSAGE_CHILDREN) cannot be used: a child forked from
    /// this process after DuckDB loaded reports this process's resident set at the fork (several GB) as its own peak.
    /// </summary>
    private static long HighWaterMarkBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0; // It exited meanwhile.
        }
    }

    private static Dictionary<string, List<string>> RunDuckDb(Options options)
    {
        using var duck = DuckDbAudiences.Load(options.Data, SyntheticDataSet.AsOf, Environment.ProcessorCount);
        return SyntheticDataSet.Audiences.ToDictionary(a => a, duck.Members);
    }

    private static long ProcessPeakRssBytes() => GetRusage(0, out var usage) == 0 ? usage.MaxRss * 1024 : -1;

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, out RUsage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss;
        public long Ixrss, Idrss, Isrss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }
}
