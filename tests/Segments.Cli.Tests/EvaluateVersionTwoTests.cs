namespace Segments.Cli.Tests;

/// <summary><c>segments evaluate</c> on data and definitions of the language's version 2.</summary>
public class EvaluateVersionTwoTests
{
    private const string AsOf = "2026-11-26T12:00:00Z";

    private static string DataSet(string segments, string extraEvents = "")
    {
        var folder = Directory.CreateTempSubdirectory("segments-cli-v2-").FullName;
        File.WriteAllText(Path.Combine(folder, "schema.json"), """{"fields":{"plan":"text","interests":"tags"}}""");
        File.WriteAllText(Path.Combine(folder, "contacts.jsonl"), """
            {"id":"c1","fields":{"interests":["Ski","golf"],"plan":["pro"]}}
            {"id":"c2","fields":{"interests":["golf","ski"]}}
            {"id":"c3"}

            """.Replace("\r", ""));
        File.WriteAllText(Path.Combine(folder, "events.jsonl"), """
            {"id":"e1","contactId":"c1","kind":"pixel","name":"add_to_cart","at":"2026-11-20T10:00:00Z","properties":{"cart":{"total":150,"items":[{"sku":"SKI-1"}]}}}
            {"id":"e2","contactId":"c1","kind":"pixel","name":"add_to_cart","at":"2026-11-25T10:00:00Z","properties":{"cart":{"total":40,"items":[{"sku":"GLV-1"}]}}}
            {"id":"e3","contactId":"c2","kind":"pixel","name":"add_to_cart","at":"2026-11-25T10:00:00Z","properties":{"cart":{"total":140,"items":[{"sku":"ski-9"},{"sku":"GLV-2"}]}}}
            {"id":"e4","contactId":"c1","kind":"email","name":"open","at":"2026-11-24T10:00:00Z","campaignId":"k1","properties":{"machine":true}}
            {"id":"e5","contactId":"c2","kind":"email","name":"open","at":"2026-11-24T10:00:00Z","campaignId":"k1"}

            """.Replace("\r", "") + extraEvents);
        File.WriteAllText(Path.Combine(folder, "segments.json"), segments);
        return folder;
    }

    [Fact]
    public void Nested_properties_tags_and_machine_opens_are_answered_per_the_contract()
    {
        var folder = DataSet("""
            [
              {"id":"last-cart-over-100","name":"Last cart over 100","match":{"pixel":{"event":"add_to_cart","seen":"last","where":[{"property":"cart.total","op":"gt","value":100}]}}},
              {"id":"skis-in-cart","name":"Skis in a cart","match":{"pixel":{"event":"add_to_cart","where":[{"property":"cart.items[].sku","op":"starts_with","value":"ski"}]}}},
              {"id":"ski-engaged","name":"Ski, engaged by a human","match":{"and":[{"field":{"name":"interests","op":"includes","value":"SKI"}},{"engagement":{"event":"engaged","within":"30d"}}]}},
              {"id":"no-plan","name":"No plan","match":{"field":{"name":"plan","op":"not_exists"}}}
            ]
            """);

        var (code, stdout, stderr) = SegmentsCommand.Run("evaluate", "--data", folder, "--as-of", AsOf);

        Assert.True(code == 0, stderr);
        Assert.Equal(
            [
                """{"segment":"last-cart-over-100","count":1,"members":["c2"]}""",
                """{"segment":"skis-in-cart","count":2,"members":["c1","c2"]}""",
                """{"segment":"ski-engaged","count":1,"members":["c2"]}""",
                """{"segment":"no-plan","count":3,"members":["c1","c2","c3"]}""",
            ],
            stdout.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void An_invalid_v2_definition_and_properties_nested_too_deep_exit_2_with_their_paths()
    {
        var folder = DataSet(
            """[{"id":"s","name":"S","match":{"pixel":{"event":"add_to_cart","seen":"last","count":{"op":"gte","value":2},"where":[{"property":"cart..total","op":"exists"}]}}}]""",
            """{"id":"e9","contactId":"c3","kind":"pixel","name":"deep","at":"2026-11-25T10:00:00Z","properties":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}}""" + "\n");

        var (code, stdout, stderr) = SegmentsCommand.Run("evaluate", "--data", folder, "--as-of", AsOf);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("segments.json: $[0].match.pixel.count: 'count' does not go with \"seen\": \"last\"", stderr);
        Assert.Contains("segments.json: $[0].match.pixel.where[0].property: 'cart..total' has an empty name", stderr);
        Assert.Contains("events.jsonl:6: $.properties.a.b.c.d.e.f.g.h: nested too deep", stderr);
    }
}
