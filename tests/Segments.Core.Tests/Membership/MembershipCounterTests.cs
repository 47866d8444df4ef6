using System.Text.Json;
using Segments.Core.Membership;
using Segments.Engine.Evaluation;
using Segments.Engine.Offline;

namespace Segments.Core.Tests.Membership;

public class MembershipCounterTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "data", "seed-audiences");
    private static readonly DateTimeOffset AsOf = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Seed_counts_equal_the_evaluation_counts_and_country_and_client_slices_sum_to_the_total()
    {
        var data = DataSet.Load(Folder);
        var counter = new MembershipCounter(new SegmentSet(data.Definitions), AsOf);
        foreach (var contact in data.Contacts)
        {
            counter.Add(contact);
        }
        var counts = counter.Counts();

        Assert.All(counts, c => Assert.Equal(new DateOnly(2026, 11, 26), c.Day));
        foreach (var line in File.ReadLines(Path.Combine(Folder, "expected-evaluate.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            var segment = json.RootElement.GetProperty("segment").GetString()!;
            var expected = json.RootElement.GetProperty("count").GetInt64();
            Assert.Equal(expected, counts.Single(c => c.Segment == segment && c.By == Slicing.Total).Count);
            Assert.Equal(expected, counts.Where(c => c.Segment == segment && c.By == Slicing.Country).Sum(c => c.Count));
            Assert.Equal(expected, counts.Where(c => c.Segment == segment && c.By == Slicing.Client).Sum(c => c.Count));
            // A member on several lists is in several list slices: they cover the members, and may overlap.
            Assert.True(counts.Where(c => c.Segment == segment && c.By == Slicing.List).Sum(c => c.Count) >= expected);
        }
        Assert.Contains(counts, c => c.By == Slicing.Country && c.Slice != MembershipCounter.Unknown && c.Count > 0);
    }
}
