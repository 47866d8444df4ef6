using Segments.Engine.Offline;

namespace Segments.Cli.Commands;

/// <summary>Opens a data set, printing every problem to stderr (file, line, JSON path) on failure.</summary>
internal static class DataSetLoading
{
    /// <summary>
    /// A command that reads a data set is a batch job: collections need not run beside it (concurrent collection
    /// costs a batch throughput and memory while it holds millions of live objects).
    /// </summary>
    public static void PreferThroughput() => System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.Batch;

    public static DataSetReader? TryOpen(string folder)
    {
        try
        {
            return DataSetReader.Open(folder);
        }
        catch (DataSetException e)
        {
            foreach (var error in e.Errors)
            {
                Console.Error.WriteLine($"error: {error}");
            }
            Console.Error.WriteLine($"{e.Errors.Count} problem(s) in '{folder}'; nothing was evaluated.");
            return null;
        }
    }

    /// <summary>What is worth saying but not wrong (events of unknown contacts): after the fold, which may add to it.</summary>
    public static void PrintWarnings(DataSetReader data)
    {
        foreach (var warning in data.Warnings)
        {
            Console.Error.WriteLine($"warning: {warning}");
        }
    }

    public static int UnknownSegment(string id, DataSetReader data)
    {
        Console.Error.WriteLine($"error: --segment: no segment '{id}' in segments.json; it has {string.Join(", ", data.Definitions.Select(d => d.Id))}");
        return ExitCodes.InvalidInput;
    }
}
