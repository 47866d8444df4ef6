using System.Text.Json.Nodes;
using Segments.Engine.Documents;
using Segments.Engine.Offline;

namespace Segments.TestSupport.Reference;

/// <summary>Seeded random data sets (<see cref="RandomDataSet"/>) loaded and folded the way the command line does.</summary>
public static class RandomDataSets
{
    /// <summary>The generator spreads events over ~500 days, so the horizon covers the whole span.</summary>
    public static readonly FoldOptions WholeSpan = new() { Horizon = TimeSpan.FromDays(3650) };

    public static DataSet Load(RandomDataSet data)
    {
        var folder = Write(data);
        try
        {
            return DataSet.Load(folder, WholeSpan);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The data set as an offline folder (a new temporary one, which the caller deletes).</summary>
    public static string Write(RandomDataSet data)
    {
        var folder = Directory.CreateTempSubdirectory("segments-documents-").FullName;
        File.WriteAllText(Path.Combine(folder, "schema.json"), data.Schema.ToJsonString());
        File.WriteAllLines(Path.Combine(folder, "contacts.jsonl"), data.Contacts.Select(c => c.ToJsonString()));
        File.WriteAllLines(Path.Combine(folder, "events.jsonl"), data.Events.Select(e => e.ToJsonString()));
        File.WriteAllText(Path.Combine(folder, "segments.json"), new JsonArray([.. data.Definitions.Select(d => d.DeepClone())]).ToJsonString());
        return folder;
    }
}
