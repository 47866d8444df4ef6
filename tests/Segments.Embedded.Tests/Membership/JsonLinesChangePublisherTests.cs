using System.Text.Json;
using Segments.Core.Membership;
using Segments.Embedded.Membership;

namespace Segments.Embedded.Tests.Membership;

public sealed class JsonLinesChangePublisherTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-changes-").FullName;

    [Fact]
    public async Task Each_change_is_appended_as_one_line_of_json_in_publication_order()
    {
        var path = Path.Combine(_folder, EmbeddedRuntime.ChangesFile);
        await new JsonLinesChangePublisher(path).PublishAsync("t1",
            [new MembershipChange(1, "s1", "c1", ChangeKind.Entered, At), new MembershipChange(3, "s1", "c2", ChangeKind.Entered, At)], default);
        // A publisher of a later process appends to the same file.
        await new JsonLinesChangePublisher(path).PublishAsync("t2", [new MembershipChange(2, "s9", "c1", ChangeKind.Left, At.AddDays(1))], default);

        var lines = (await File.ReadAllLinesAsync(path)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([("t1", "s1", 1L, "c1", "entered"), ("t1", "s1", 3L, "c2", "entered"), ("t2", "s9", 2L, "c1", "left")],
            lines.Select(l => (l.GetProperty("tenant").GetString(), l.GetProperty("segment").GetString(), l.GetProperty("sequence").GetInt64(),
                l.GetProperty("contact").GetString(), l.GetProperty("kind").GetString())));
        Assert.Equal("2026-09-02T08:30:00Z", lines[2].GetProperty("at").GetString());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
