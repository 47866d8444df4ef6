using System.Text.Json;

namespace Segments.Cli.Tests;

public class ResolveCommandTests
{
    [Fact]
    public void Writes_the_audience_and_a_manifest_matching_the_expected_resolution()
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(SegmentsCommand.SeedFolder, "expected-resolve-re-permission-newsletter.json")));
        var e = expected.RootElement;
        var output = Directory.CreateTempSubdirectory("segments-resolve-").FullName;

        var (code, stdout, stderr) = SegmentsCommand.Run("resolve", "--data", SegmentsCommand.SeedFolder, "--segment", "re-permission",
            "--list", "newsletter", "--as-of", "2026-11-26T12:00:00Z", "--out", output);

        Assert.True(code == 0, stderr);
        using var printed = JsonDocument.Parse(stdout);
        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")));
        foreach (var manifest in new[] { printed.RootElement, written.RootElement })
        {
            foreach (var key in new[] { "segment", "asOf", "list" })
            {
                Assert.Equal(e.GetProperty(key).GetString(), manifest.GetProperty(key).GetString());
            }
            foreach (var key in new[] { "matched", "optedOut", "audience" })
            {
                Assert.Equal(e.GetProperty(key).GetInt64(), manifest.GetProperty(key).GetInt64());
            }
            Assert.Equal(e.GetProperty("suppressed").GetRawText().Replace(" ", "").Replace("\n", ""),
                manifest.GetProperty("suppressed").GetRawText().Replace(" ", "").Replace("\n", ""));
        }
        var audience = File.ReadAllLines(Path.Combine(output, "audience.ndjson")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("contactId").GetString());
        Assert.Equal(e.GetProperty("members").EnumerateArray().Select(m => m.GetString()), audience);
        Assert.Equal(["audience.ndjson", "manifest.json"], Directory.GetFiles(output).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Invalid_input_leaves_the_output_folder_untouched()
    {
        var folder = SegmentsCommand.CopyOfSeed();
        File.AppendAllText(Path.Combine(folder, "contacts.jsonl"), "{\"email\":\"no-id@example.com\"}\n");
        var output = Directory.CreateTempSubdirectory("segments-resolve-").FullName;
        File.WriteAllText(Path.Combine(output, "manifest.json"), "previous");

        var (code, _, stderr) = SegmentsCommand.Run("resolve", "--data", folder, "--segment", "vip", "--as-of", "2026-11-26T12:00:00Z", "--out", output);

        Assert.Equal(2, code);
        Assert.Contains("contacts.jsonl:9: $: 'id' is required", stderr);
        Assert.Equal(["manifest.json"], Directory.GetFiles(output).Select(Path.GetFileName));
        Assert.Equal("previous", File.ReadAllText(Path.Combine(output, "manifest.json")));
    }
}
