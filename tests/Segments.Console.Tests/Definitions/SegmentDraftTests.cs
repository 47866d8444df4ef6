using System.Text.Json.Nodes;
using Segments.Console.Api;
using Segments.Console.Definitions;

namespace Segments.Console.Tests.Definitions;

public class SegmentDraftTests
{
    private static readonly string SeedSegments = Path.Combine(AppContext.BaseDirectory, "data", "seed-audiences", "segments.json");

    public static TheoryData<string> SeedDefinitions()
    {
        var data = new TheoryData<string>();
        foreach (var definition in JsonNode.Parse(File.ReadAllText(SeedSegments))!.AsArray())
        {
            data.Add(definition!.ToJsonString());
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SeedDefinitions))]
    public void Every_seed_definition_reads_into_the_tree_and_writes_back_unchanged(string json)
    {
        var draft = SegmentDraft.Parse(json);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), draft.ToJson()), draft.ToJsonText());
        Assert.True(JsonNode.DeepEquals(draft.ToJson(), SegmentDraft.Parse(draft.ToJsonText()).ToJson()));
    }

    [Fact]
    public void Keys_the_builder_has_no_control_for_survive_the_round_trip_in_their_order()
    {
        const string json = """{"id":"x","name":"X","owner":"ops","match":{"or":[{"future":{"a":1}},{"pixel":{"z":1,"event":"e"}}]}}""";

        Assert.Equal(json, SegmentDraft.Parse(json).ToJson().ToJsonString());
    }

    [Theory]
    [InlineData("[]", "$")]
    [InlineData("""{"id":"x","match":{"and":{}}}""", "$.match.and")]
    [InlineData("""{"id":"x","match":{"and":[{"pixel":{}},{"a":{},"b":{}}]}}""", "$.match.and[1]")]
    [InlineData("""{"id":"x","match":{"not":{"field":"plan"}}}""", "$.match.not.field")]
    [InlineData("{", "$")]
    public void What_cannot_be_a_condition_is_refused_with_its_path(string json, string path)
    {
        var refusal = Assert.Throws<DefinitionFormatException>(() => SegmentDraft.Parse(json));

        Assert.Equal(path, refusal.Path);
    }

    [Fact]
    public void An_api_problem_lands_on_the_condition_its_path_points_into()
    {
        var draft = SegmentDraft.Parse("""
            {"id":"x","name":"X","match":{"and":[
              {"pixel":{"event":"page_view","where":[{"property":"path","op":"gt","value":"/p"}]}},
              {"not":{"or":[{"field":{"name":"plan","op":"eq","value":"Pro"}},{"segment":{"id":"nope"}}]}}
            ]}}
            """);

        draft.Attach(
        [
            new ProblemError("$.match.and[0].pixel.where[0].op", "operator 'gt' takes a number"),
            new ProblemError("$.match.and[1].not.or[1].segment.id", "there is no segment 'nope'"),
            new ProblemError("$.match.and[1].not.or", "an or needs two"),
            new ProblemError("$.match.and[7].field", "no such condition"),
            new ProblemError("$.name", "too long"),
        ]);

        var and = (GroupNode)draft.Match!;
        var pixel = (LeafNode)and.Items[0];
        var or = (GroupNode)((NotNode)and.Items[1]).Inner;
        Assert.Equal([new ProblemError("$.where[0].op", "operator 'gt' takes a number")], pixel.Problems);
        Assert.Equal([new ProblemError("$.id", "there is no segment 'nope'")], ((LeafNode)or.Items[1]).Problems);
        Assert.Equal([new ProblemError("$", "an or needs two")], or.Problems);
        Assert.Equal([new ProblemError("$[7].field", "no such condition")], and.Problems);
        Assert.Equal([new ProblemError("$.name", "too long")], draft.Problems);
        Assert.Empty(((LeafNode)or.Items[0]).Problems);
    }

    [Fact]
    public void Attaching_again_clears_the_problems_of_the_last_check()
    {
        var draft = SegmentDraft.Parse("""{"id":"x","name":"X","match":{"and":[{"everyone":{}}]}}""");
        draft.Attach([new ProblemError("$.match.and[0].everyone", "bad"), new ProblemError("$.id", "bad")]);

        draft.Attach([]);

        Assert.All(draft.Match!.SelfAndDescendants(), n => Assert.Empty(n.Problems));
        Assert.Empty(draft.Problems);
    }
}
