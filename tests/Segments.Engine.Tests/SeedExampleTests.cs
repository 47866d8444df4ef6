using System.Text.Json;
using Segments.Engine.Evaluation;
using Segments.Engine.Offline;

namespace Segments.Engine.Tests;

/// <summary>The shared example data set, copied into tests/data, gives exactly its expected members.</summary>
public class SeedExampleTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "data", "seed-audiences");
    private static readonly DateTimeOffset AsOf = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, int, string[]> Expected()
    {
        var data = new TheoryData<string, int, string[]>();
        foreach (var line in File.ReadLines(Path.Combine(Folder, "expected-evaluate.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            data.Add(root.GetProperty("segment").GetString()!, root.GetProperty("count").GetInt32(),
                [.. root.GetProperty("members").EnumerateArray().Select(m => m.GetString()!)]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public void Each_seed_segment_has_its_expected_members(string segment, int count, string[] members)
    {
        var data = DataSet.Load(Folder);
        var actual = new SegmentSet(data.Definitions)[segment].Members(data.Contacts, AsOf);
        Assert.Equal(members, actual);
        Assert.Equal(count, actual.Count);
    }
}
