using System.Text.Json;
using Segments.Core.Audience;
using Segments.Engine.Evaluation;
using Segments.Engine.Offline;

namespace Segments.Core.Tests.Audience;

/// <summary>The shared example data set, copied into tests/data, resolves to exactly its expected audience.</summary>
public class SeedAudienceTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "data", "seed-audiences");
    private static readonly DateTimeOffset AsOf = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Re_permission_to_newsletter_resolves_to_the_expected_audience()
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected-resolve-re-permission-newsletter.json")));
        var e = expected.RootElement;
        var data = DataSet.Load(Folder);
        var segment = new SegmentSet(data.Definitions)["re-permission"];

        var part = AudienceResolver.Resolve(segment, data.Contacts, id => data.Suppressions[id], "newsletter", AsOf);

        Assert.Equal(e.GetProperty("matched").GetInt64(), part.Tally.Matched);
        Assert.Equal(e.GetProperty("optedOut").GetInt64(), part.Tally.OptedOut);
        Assert.Equal(e.GetProperty("audience").GetInt64(), part.Tally.Audience);
        Assert.Equal(
            e.GetProperty("suppressed").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()),
            part.Tally.Suppressed);
        Assert.Equal(e.GetProperty("members").EnumerateArray().Select(m => m.GetString()), part.Recipients.Select(r => r.ContactId));
    }
}
