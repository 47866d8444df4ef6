using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Segments.TestSupport.Serve;
using static Segments.Cli.Tests.ServeApi;

namespace Segments.Cli.Tests;

/// <summary>
/// The seed example loaded into a running `segments serve` through the HTTP API gives the answers of
/// `expected-evaluate.jsonl` and a broadcast resolves like `segments resolve`, and both answer the same after a restart
/// over the same data folder.
/// </summary>
public class ServeEndToEndTests
{
    private const string AsOf = "2026-11-26T12:00:00Z";

    [Fact]
    public async Task The_seed_example_through_the_api_previews_and_broadcasts_as_expected_before_and_after_a_restart()
    {
        var data = Directory.CreateTempSubdirectory("segments-serve-").FullName;
        var expected = File.ReadAllLines(Path.Combine(SegmentsCommand.SeedFolder, "expected-evaluate.jsonl"))
            .Select(l => JsonNode.Parse(l)!).ToDictionary(n => n["segment"]!.GetValue<string>(), n => n["count"]!.GetValue<int>());

        await using (var serve = await ServeProcess.StartAsync(data))
        {
            await LoadSeedAsync(serve.Client);
            await WaitForAsync(async () => (await PreviewsAsync(serve.Client, expected.Keys)).SequenceEqual(expected), serve);
            Assert.Equal(expected, await PreviewsAsync(serve.Client, expected.Keys));
            await Send(serve.Client, HttpMethod.Post, "broadcasts",
                $$"""{"id":"b1","segment":"re-permission","list":"newsletter","asOf":"{{AsOf}}"}""", HttpStatusCode.Accepted);
            await WaitForAsync(async () => (await BroadcastAsync(serve.Client)).GetProperty("status").GetString() == "completed", serve);
            await AssertResolvedAsExpected(serve.Client);
            await serve.StopAsync();
        }

        await using (var restarted = await ServeProcess.StartAsync(data))
        {
            Assert.Equal(expected, await PreviewsAsync(restarted.Client, expected.Keys));
            await AssertResolvedAsExpected(restarted.Client);
        }
    }

    [Fact]
    public async Task A_contact_entering_a_drip_s_segment_is_enrolled_and_published_to_the_changes_file_at_once()
    {
        var data = Directory.CreateTempSubdirectory("segments-serve-").FullName;
        await using var serve = await ServeProcess.StartAsync(data);

        await Send(serve.Client, HttpMethod.Put, "segments/readers", """{"name":"Readers","match":{"list":{"id":"news"}}}""");
        await Send(serve.Client, HttpMethod.Put, "drips/welcome", """{"segment":"readers"}""");
        // The PUT answers before the segment's baseline is recorded (a job), and until it is no contact records a change.
        await WaitForAsync(async () => (await serve.Client.GetFromJsonAsync<JsonElement>("drips/welcome"))
            .GetProperty("baseline").GetProperty("status").GetString() == "completed", serve);
        await Send(serve.Client, HttpMethod.Put, "contacts/c1", """{"email":"ada@example.com","lists":{"news":"subscribed"}}""");

        var enrolled = await serve.Client.GetFromJsonAsync<JsonElement>("drips/welcome/enrollments");
        Assert.Equal(["c1"], enrolled.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("contact").GetString()));
        var published = JsonDocument.Parse(Assert.Single(File.ReadAllLines(Path.Combine(data, "membership-changes.jsonl")))).RootElement;
        Assert.Equal(("readers", "c1", "entered"),
            (published.GetProperty("segment").GetString(), published.GetProperty("contact").GetString(), published.GetProperty("kind").GetString()));
    }

    private static async Task<JsonElement> BroadcastAsync(HttpClient api) => await api.GetFromJsonAsync<JsonElement>("broadcasts/b1");

    /// <summary>The broadcast's manifest and audience equal `segments resolve` of the same segment, list and T.</summary>
    private static async Task AssertResolvedAsExpected(HttpClient api)
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(SegmentsCommand.SeedFolder, "expected-resolve-re-permission-newsletter.json")));
        var e = expected.RootElement;
        var manifest = (await BroadcastAsync(api)).GetProperty("manifest");
        foreach (var key in new[] { "matched", "optedOut", "audience" })
        {
            Assert.Equal(e.GetProperty(key).GetInt64(), manifest.GetProperty(key).GetInt64());
        }
        Assert.Equal(e.GetProperty("suppressed").GetProperty("hard_bounce").GetInt64(), manifest.GetProperty("suppressed").GetProperty("hard_bounce").GetInt64());
        var audience = (await api.GetStringAsync("broadcasts/b1/audience")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("contactId").GetString());
        Assert.Equal(e.GetProperty("members").EnumerateArray().Select(m => m.GetString()), audience);
    }

    private static async Task LoadSeedAsync(HttpClient api)
    {
        var folder = SegmentsCommand.SeedFolder;
        await Send(api, HttpMethod.Put, "schema", File.ReadAllText(Path.Combine(folder, "schema.json")));
        foreach (var line in File.ReadLines(Path.Combine(folder, "contacts.jsonl")))
        {
            var contact = JsonNode.Parse(line)!;
            await Send(api, HttpMethod.Put, $"contacts/{contact["id"]}", line);
        }
        var events = $"[{string.Join(",", File.ReadLines(Path.Combine(folder, "events.jsonl")))}]";
        using (var accepted = JsonDocument.Parse(await Send(api, HttpMethod.Post, "events", events, HttpStatusCode.Accepted)))
        {
            Assert.Equal(0, accepted.RootElement.GetProperty("rejected").GetArrayLength());
        }
        foreach (var definition in JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "segments.json")))!.AsArray())
        {
            await Send(api, HttpMethod.Put, $"segments/{definition!["id"]}", definition.ToJsonString());
        }
    }

    private static async Task<Dictionary<string, int>> PreviewsAsync(HttpClient api, IEnumerable<string> segments)
    {
        var counts = new Dictionary<string, int>();
        foreach (var segment in segments)
        {
            var preview = await api.GetFromJsonAsync<JsonElement>($"segments/{segment}/preview?asOf={AsOf}");
            counts[segment] = preview.GetProperty("count").GetInt32();
        }
        return counts;
    }
}
