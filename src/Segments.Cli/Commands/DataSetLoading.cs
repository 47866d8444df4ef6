using Segments.Core.Offline;

namespace Segments.Cli.Commands;

/// <summary>Loads a data set, printing every problem to stderr (file, line, JSON path) on failure.</summary>
internal static class DataSetLoading
{
    public static DataSet? TryLoad(string folder)
    {
        try
        {
            var data = DataSet.Load(folder);
            foreach (var warning in data.Warnings)
            {
                Console.Error.WriteLine($"warning: {warning}");
            }
            return data;
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

    public static int UnknownSegment(string id, DataSet data)
    {
        Console.Error.WriteLine($"error: --segment: no segment '{id}' in segments.json; it has {string.Join(", ", data.Definitions.Select(d => d.Id))}");
        return ExitCodes.InvalidInput;
    }
}
