using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Segments.TestSupport.Serve;

namespace Segments.Cli.Tests;

/// <summary>
/// `segments serve --demo` as a newcomer runs it, with its output redirected (to a file, a pipe, a CI log): what it
/// prints can be read and copied, what it answers is the seeded demo, and its keys are kept and shown as secrets.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // File modes are the point.
public partial class ServeDemoTests
{
    [Fact]
    public async Task The_demo_prints_whole_lines_answers_only_once_seeded_and_keeps_its_keys_secret()
    {
        var data = Directory.CreateTempSubdirectory("segments-demo-").FullName;
        var early = new List<(HttpStatusCode Status, bool RetryAfter, string Body)>();

        await using (var serve = await ServeProcess.StartDemoAsync(data, async s =>
        {
            try
            {
                using var response = await s.Client.GetAsync("segments/vip/preview");
                early.Add((response.StatusCode, response.Headers.RetryAfter is not null, await response.Content.ReadAsStringAsync()));
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }))
        {
            var lines = serve.StdoutLines;
            var output = serve.Output;

            // The embed code on one line, whole, however narrow the (absent) terminal.
            Assert.Contains(lines, l => EmbedLine().IsMatch(l) && l.Contains(serve.Origin, StringComparison.Ordinal));
            // One line says where the API listens; the Durable sidecar's own web host says nothing.
            Assert.Single(lines, l => l.Contains("listening on", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("Now listening on", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Application started", output, StringComparison.Ordinal);
            // Every step of the seed reaches 100 %.
            Assert.Contains("Ingesting 10,000 contacts: 100%", output, StringComparison.Ordinal);
            Assert.Contains("Folding events into contact documents: 100%", output, StringComparison.Ordinal);
            // The key is shown this once, whole, and kept in a file only its owner reads.
            var key = ServeProcess.DemoKey(data)!;
            Assert.Contains(lines, l => l.StartsWith($"API key: {key} ", StringComparison.Ordinal));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "tenants.json")));

            // Before the demo was seeded the API said so (503, Retry-After), never a number of a half-seeded tenant: what it
            // answered in the moment between the end of the seed and the banner is the seeded tenant's count.
            var preview = await serve.Client.GetFromJsonAsync<JsonElement>("segments/vip/preview");
            var count = preview.GetProperty("count").GetInt32();
            Assert.True(count > 0);
            Assert.Contains(early, r => r.Status == HttpStatusCode.ServiceUnavailable);
            Assert.All(early, r => Assert.True(r.Status == HttpStatusCode.ServiceUnavailable && r.RetryAfter
                || (r.Status == HttpStatusCode.OK && JsonDocument.Parse(r.Body).RootElement.GetProperty("count").GetInt32() == count), $"{r.Status}: {r.Body}"));
            // The start-up daily report was taken of the seeded tenant.
            Assert.Equal(count, await TodaysReportAsync(serve.Client, "vip"));
        }

        await using (var again = await ServeProcess.StartDemoAsync(data))
        {
            Assert.DoesNotContain(ServeProcess.DemoKey(data)!, again.Output, StringComparison.Ordinal);
            Assert.Contains(again.StdoutLines, l => EmbedLine().IsMatch(l));
            Assert.Equal(HttpStatusCode.OK, (await again.Client.GetAsync("segments")).StatusCode);
        }

        // A key file others can read is refused at start-up, with the way out.
        File.SetUnixFileMode(Path.Combine(data, "tenants.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        await using var refused = await ServeProcess.StartDemoAsync(data);
        Assert.NotEqual(0, await refused.WaitForExitAsync());
        Assert.Contains($"chmod 600 {Path.Combine(data, "tenants.json")}", refused.Output, StringComparison.Ordinal);
    }

    /// <summary>Today's count in the segment's daily report, once the start-up report (taken as the seed is done) is in.</summary>
    private static async Task<int> TodaysReportAsync(HttpClient api, string segment)
    {
        for (var attempt = 0; attempt < 150; attempt++)
        {
            var counts = (await api.GetFromJsonAsync<JsonElement>($"segments/{segment}/report")).GetProperty("counts");
            if (counts.GetArrayLength() > 0)
            {
                return counts[counts.GetArrayLength() - 1].GetProperty("count").GetInt32();
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"no daily report of {segment}");
    }

    [GeneratedRegex("^<script async src=\"http://127\\.0\\.0\\.1:[0-9]+/api/collect\\.js\\?k=pk_[0-9a-f]{24}\"></script>$")]
    private static partial Regex EmbedLine();
}
