using System.Net;
using System.Text.Json;
using Segments.Core.Ports;
using Segments.TestSupport.Stores;

namespace Segments.Api.Tests.Ingestion;

public class DeadLetterApiTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_callers_dead_letters_and_its_visitors_are_paged_by_cursor_and_no_other_tenants()
    {
        var letters = new InMemoryDeadLetterStore();
        foreach (var i in Enumerable.Range(0, 5))
        {
            await letters.AddAsync(new DeadLetter("tenant-a", $"stream:{i}", "arrived more than 400 days behind", $"{{\"id\":\"e{i}\"}}", At));
        }
        await letters.AddAsync(new DeadLetter("tenant-a~visitors", "stream:9", "not valid JSON", "{", At));
        await letters.AddAsync(new DeadLetter("tenant-b", "stream:7", "of another tenant", "{}", At));
        await using var host = await IngestionHost.StartAsync(new RecordingPublisher(), letters: letters);
        var client = host.Client(TestTenant.A);

        var seen = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await client.GetAsync($"/api/dead-letters?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}")).JsonAsync();
            seen.AddRange(page.GetProperty("letters").EnumerateArray());
            cursor = page.GetProperty("next").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(["stream:0", "stream:1", "stream:2", "stream:3", "stream:4", "stream:9"], seen.Select(l => l.GetProperty("source").GetString()));
        Assert.Equal(3, pages);
        Assert.Equal(("arrived more than 400 days behind", "2026-11-01T10:00:00Z", "{\"id\":\"e0\"}"),
            (seen[0].GetProperty("reason").GetString(), seen[0].GetProperty("at").GetString(), seen[0].GetProperty("payload").GetString()));
        var b = await (await host.Client(TestTenant.B).GetAsync("/api/dead-letters")).JsonAsync();
        Assert.Equal(["stream:7"], b.GetProperty("letters").EnumerateArray().Select(l => l.GetProperty("source").GetString()));
    }

    [Theory]
    [InlineData("cursor=%%%")]
    [InlineData("cursor=Mnx4")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=1e3")]
    public async Task A_cursor_or_limit_that_is_not_one_is_a_400_naming_it(string query)
    {
        await using var host = await IngestionHost.StartAsync(new RecordingPublisher());

        var problem = await (await host.Client(TestTenant.A).GetAsync($"/api/dead-letters?{query}")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal($"$.{query[..query.IndexOf('=')]}", Assert.Single(problem.Errors).Path);
    }
}
