namespace Segments.Cli.Tests;

public class EvaluateCommandTests
{
    private const string AsOf = "2026-11-26T12:00:00Z";

    [Fact]
    public void Prints_exactly_the_expected_lines_of_the_seed_example()
    {
        var (code, stdout, stderr) = SegmentsCommand.Run("evaluate", "--data", SegmentsCommand.SeedFolder, "--as-of", AsOf);
        Assert.True(code == 0, stderr);
        Assert.Equal(File.ReadAllText(Path.Combine(SegmentsCommand.SeedFolder, "expected-evaluate.jsonl")).TrimEnd('\n'), stdout.TrimEnd('\n'));
    }

    [Fact]
    public void Segment_options_choose_and_order_the_lines()
    {
        var (code, stdout, _) = SegmentsCommand.Run("evaluate", "--data", SegmentsCommand.SeedFolder, "--as-of", AsOf, "--segment", "vip", "--segment", "customers");
        Assert.Equal(0, code);
        Assert.Equal(
            ["{\"segment\":\"vip\",\"count\":3,\"members\":[\"c01\",\"c04\",\"c07\"]}", "{\"segment\":\"customers\",\"count\":3,\"members\":[\"c01\",\"c03\",\"c07\"]}"],
            stdout.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void An_unknown_segment_exits_2_and_names_it()
    {
        var (code, stdout, stderr) = SegmentsCommand.Run("evaluate", "--data", SegmentsCommand.SeedFolder, "--as-of", AsOf, "--segment", "nope");
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("no segment 'nope'", stderr);
    }

    [Fact]
    public void A_bad_definition_and_a_malformed_line_exit_2_with_file_line_and_path()
    {
        var folder = SegmentsCommand.CopyOfSeed();
        var segments = Path.Combine(folder, "segments.json");
        File.WriteAllText(segments, File.ReadAllText(segments).Replace("\"op\": \"gt\",\n      \"value\": 500", "\"op\": \"contains\",\n      \"value\": 500"));
        File.AppendAllText(Path.Combine(folder, "events.jsonl"), "{\"id\":\"x\",\"contactId\":\"c01\",\"kind\":\"sms\",\"name\":\"open\",\"at\":\"2026-11-01T00:00:00Z\"}\n{not json\n");

        var (code, stdout, stderr) = SegmentsCommand.Run("evaluate", "--data", folder, "--as-of", AsOf);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("segments.json: $[6].match.and[0].field.op: operator 'contains' is not valid for number field 'mrr'", stderr);
        Assert.Contains("events.jsonl:22: $.kind: unknown kind 'sms'", stderr);
        Assert.Contains("events.jsonl:23: $: not valid JSON", stderr);
    }

    [Theory]
    [InlineData("--as-of", "yesterday")]
    [InlineData("--data", "/no/such/folder")]
    public void Bad_options_exit_2(string option, string value)
    {
        var args = new List<string> { "evaluate", "--data", SegmentsCommand.SeedFolder, "--as-of", AsOf };
        args[args.IndexOf(option) + 1] = value;
        var (code, _, stderr) = SegmentsCommand.Run([.. args]);
        Assert.Equal(2, code);
        Assert.Contains(option, stderr);
    }
}
