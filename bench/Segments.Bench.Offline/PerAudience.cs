using System.Diagnostics;
using Segments.Engine.Evaluation;
using Segments.Engine.Offline;

namespace Segments.Bench.Offline;

/// <summary>
/// Each audience on one thread: the engine over its in-memory folded contacts against DuckDB's query over its
/// in-memory tables (<c>count(*)</c> of the members, so neither ships rows), median of five runs after a warm-up.
/// </summary>
internal static class PerAudience
{
    private const int Runs = 5;

    public static bool Compare(Options options)
    {
        var duckTimes = new Dictionary<string, double>();
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
        Console.WriteLine($"per audience, one thread, {data.Contacts.Count:N0} contacts (median of {Runs}):");
        foreach (var audience in SyntheticDataSet.Audiences)
        {
            var segment = set[audience];
            ourMembers[audience] = segment.Members(data.Contacts, SyntheticDataSet.AsOf);
            var seconds = Time(() =>
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
            Console.WriteLine($"  {audience,-14} {ourMembers[audience].Count,9:N0} members  engine {seconds * 1000,8:F1} ms " +
                $"({data.Contacts.Count / seconds,13:N0} contacts/s)  DuckDB {duckTimes[audience] * 1000,8:F1} ms  {duckTimes[audience] / seconds,6:F2}× DuckDB");
        }
        return WholeCommand.Same("per audience", ourMembers, duckMembers);
    }

    private static double Time(Func<long> run)
    {
        run();
        var times = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            times.Add(watch.Elapsed.TotalSeconds);
        }
        return WholeCommand.Median(times);
    }
}
