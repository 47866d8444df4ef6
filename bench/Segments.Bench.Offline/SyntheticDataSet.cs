using System.Text.Json;
using System.Text.Json.Nodes;
using Segments.Engine.Input;
using Segments.Engine.Model;
using Segments.Engine.Synthetic;

namespace Segments.Bench.Offline;

/// <summary>
/// The benchmark's data set: the synthetic tenant (<see cref="SyntheticTenant"/>, seed 1) written as an offline
/// data set folder (schema.json, contacts.jsonl, events.jsonl, segments.json with the five audiences), as
/// `segments evaluate` and DuckDB both read it. Every hundredth event is delivered twice, as an at-least-once
/// pipeline does, a few lines after the original.
/// </summary>
internal static class SyntheticDataSet
{
    public static readonly DateTimeOffset AsOf = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The five audiences, in the order of segments.json (win-back reads customers).</summary>
    public static readonly string[] Audiences = ["customers", "win-back", "hot-prospects", "vip", "re-permission"];

    private const string Stamp = "complete";

    /// <summary>True when the folder holds a complete data set of that size (written before, not interrupted).</summary>
    public static bool Exists(string folder, int contacts) =>
        File.Exists(Path.Combine(folder, Stamp)) && File.ReadAllText(Path.Combine(folder, Stamp)).Trim() == contacts.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static (long Contacts, long Events) Write(string folder, int contacts)
    {
        Directory.CreateDirectory(folder);
        File.Delete(Path.Combine(folder, Stamp));
        File.WriteAllText(Path.Combine(folder, "schema.json"), new JsonObject
        {
            ["fields"] = new JsonObject(SyntheticTenant.Schema.Custom.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)FieldSchema.ToWord(f.Value)))),
        }.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "segments.json"), new JsonArray([.. SeedAudiences()]).ToJsonString());

        var synthetic = new SyntheticTenant(seed: 1, AsOf);
        long events = 0;
        using (var contactFile = File.Create(Path.Combine(folder, "contacts.jsonl"), 1 << 20))
        using (var eventFile = File.Create(Path.Combine(folder, "events.jsonl"), 1 << 20))
        using (var contactJson = new Utf8JsonWriter(contactFile))
        using (var eventJson = new Utf8JsonWriter(eventFile))
        {
            var redeliveries = new List<ContactEvent>();
            for (var i = 0; i < contacts; i++)
            {
                var profile = synthetic.Profile(i);
                ContactWriter.Write(contactJson, profile);
                EndLine(contactJson, contactFile);
                foreach (var e in synthetic.Events(profile.Id))
                {
                    EventWriter.Write(eventJson, e);
                    EndLine(eventJson, eventFile);
                    if (++events % 100 == 0)
                    {
                        redeliveries.Add(e);
                    }
                }
                foreach (var e in redeliveries)
                {
                    EventWriter.Write(eventJson, e);
                    EndLine(eventJson, eventFile);
                }
                redeliveries.Clear();
            }
        }
        File.WriteAllText(Path.Combine(folder, Stamp), contacts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return (contacts, events);
    }

    private static void EndLine(Utf8JsonWriter json, Stream file)
    {
        json.Flush();
        json.Reset();
        file.WriteByte((byte)'\n');
    }

    private static IEnumerable<JsonNode> SeedAudiences()
    {
        var seed = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "seed-segments.json")))!.AsArray();
        return Audiences.Select(id => seed.Single(d => d!["id"]!.GetValue<string>() == id)!.DeepClone());
    }
}
