using System.Diagnostics;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Offline;
using Segments.Engine.Scan;

namespace Segments.Bench.Offline;

/// <summary>
/// Each audience on one thread: the engine over its in-memory folded contacts, and over their scan form, against
/// DuckDB's query over its in-memory tables (<c>count(*)</c> of the members, so none ships rows), median of five runs
/// after a warm-up.
/// </summary>
internal static class PerAudience
{
    private const int Runs = 5;

    public static bool Compare(Options options)
    {
        var duckTimes = new Dictionary<string, Timing>();
        var duckMembers = new Dictionary<string, List<string>>();
        using (var duck = DuckDbAudiences.Load(options.Data, SyntheticDataSet.AsOf, Environment.ProcessorCount))
        {
            duck.SetThreads(1);
            foreach (var audience in SyntheticDataSet.Audiences)
            {
                duckMembers[audience] = duck.Members(audience);
                duckTimes[audience] = Time(() => duck.Count(audience));
            }
        }

        var data = DataSet.Load(options.Data);
        var set = new SegmentSet(data.Definitions);
        var asOf = new AsOf(SyntheticDataSet.AsOf);
        var ourMembers = new Dictionary<string, List<string>>();
        var scanMembers = new Dictionary<string, List<string>>();
        var built = Stopwatch.StartNew();
        var form = ScanForm.Build(data.Contacts);
        var scan = new ScanSegmentSet(data.Definitions);
        Console.WriteLine($"stored documents: JSON (a Cosmos item) {data.Contacts.Average(c => ContactDocumentJson.Serialize(c).Length):F0} bytes a contact, " +
            $"binary (the embedded store) {data.Contacts.Average(c => ContactDocumentBinary.Serialize(c).Length):F0}");
        Console.WriteLine($"per audience, one thread, {data.Contacts.Count:N0} contacts (median of {Runs}); scan form built in " +
            $"{built.Elapsed.TotalSeconds:F1} s, {form.Bytes / (double)form.Count:F0} bytes a contact, {form.DistinctContents:N0} distinct event contents:");
        foreach (var audience in SyntheticDataSet.Audiences)
        {
            var segment = set[audience];
            ourMembers[audience] = segment.Members(data.Contacts, SyntheticDataSet.AsOf);
            var documents = Time(() =>
            {
                var n = 0L;
                foreach (var contact in data.Contacts)
                {
                    if (segment.Matches(contact, asOf))
                    {
                        n++;
                    }
                }
                return n;
            });
            scanMembers[audience] = scan[audience].Members(form, SyntheticDataSet.AsOf);
            var scanned = Time(() => scan[audience].Count(form, asOf));
            var duck = duckTimes[audience];
            Console.WriteLine($"  {audience,-14} {ourMembers[audience].Count,9:N0} members  documents {documents.Wall * 1000,8:F1} ms  " +
                $"scan form {scanned.Wall * 1000,7:F1} ms ({data.Contacts.Count / scanned.Wall,12:N0} contacts/s; CPU {data.Contacts.Count / scanned.Cpu,12:N0}/s)  " +
                $"DuckDB {duck.Wall * 1000,8:F1} ms  × DuckDB: documents {duck.Wall / documents.Wall,6:F2}, scan form {duck.Wall / scanned.Wall,6:F2} " +
                $"(CPU {duck.Cpu / scanned.Cpu,6:F2})");
        }
        return WholeCommand.Same("per audience (documents)", ourMembers, duckMembers) & WholeCommand.Same("per audience (scan form)", scanMembers, duckMembers);
    }

    /// <summary>Medians of the wall time and of the process's CPU time (which a shared machine disturbs less), in seconds.</summary>
    private static Timing Time(Func<long> run)
    {
        run();
        var wall = new List<double>();
        var cpu = new List<double>();
        var process = Process.GetCurrentProcess();
        for (var i = 0; i < Runs; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            run();
            wall.Add(watch.Elapsed.TotalSeconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalSeconds);
        }
        return new Timing(Statistics.Median(wall), Statistics.Median(cpu));
    }

    private readonly record struct Timing(double Wall, double Cpu);
}
