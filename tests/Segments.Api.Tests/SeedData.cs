using System.Text.Json;

namespace Segments.Api.Tests;

/// <summary>The shared example data set (tests/data/seed-audiences), copied beside the tests.</summary>
internal static class SeedData
{
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "data", "seed-audiences");

    public static readonly DateTimeOffset AsOf = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static string Schema => File.ReadAllText(Path.Combine(Folder, "schema.json"));

    /// <summary>The definitions of segments.json, in its order, as JSON text by id.</summary>
    public static IReadOnlyList<(string Id, string Json)> Definitions()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "segments.json")));
        return [.. json.RootElement.EnumerateArray().Select(d => (d.GetProperty("id").GetString()!, d.GetRawText()))];
    }

    public static IReadOnlyList<(string Segment, int Count, string[] Members)> Expected() =>
        [.. File.ReadLines(Path.Combine(Folder, "expected-evaluate.jsonl")).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return (root.GetProperty("segment").GetString()!, root.GetProperty("count").GetInt32(),
                root.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToArray());
        })];
}
