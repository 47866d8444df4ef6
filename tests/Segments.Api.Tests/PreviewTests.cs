using System.Net;
using System.Text.Json.Nodes;

namespace Segments.Api.Tests;

/// <summary>
/// The seed example through the API: its contacts folded into the contact store, its schema and definitions
/// saved with PUT, and each preview compared with expected-evaluate.jsonl.
/// </summary>
public sealed class PreviewTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private HttpClient _api = null!;

    public static TheoryData<string> Segments() => [.. SeedData.Expected().Select(e => e.Segment)];

    public async Task InitializeAsync() => (_host, _api) = await SeedData.StartHostAsync();

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Segments))]
    public async Task Each_seed_segment_previews_its_expected_count_and_members(string segment)
    {
        var (_, count, members) = SeedData.Expected().Single(e => e.Segment == segment);

        var asOf = await (await _api.GetAsync($"/api/segments/{segment}/preview?asOf=2026-11-26T12:00:00Z&sample=100")).JsonAsync();
        var now = await (await _api.GetAsync($"/api/segments/{segment}/preview")).JsonAsync();

        Assert.Equal(count, asOf.GetProperty("count").GetInt64());
        Assert.Equal(members, asOf.GetProperty("sample").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(count, now.GetProperty("count").GetInt64());
        Assert.Equal("2026-11-26T12:00:00Z", now.GetProperty("asOf").GetString());
    }

    [Fact]
    public async Task The_sample_is_the_first_members_by_id()
    {
        var preview = await (await _api.GetAsync("/api/segments/re-permission/preview?sample=2")).JsonAsync();

        Assert.Equal(5, preview.GetProperty("count").GetInt64());
        Assert.Equal(["c02", "c03"], preview.GetProperty("sample").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task A_preview_at_another_time_counts_then()
    {
        // Two months on, nobody has engaged within 30 days (the example has no later events).
        var later = await (await _api.GetAsync("/api/segments/engaged-30/preview?asOf=2027-01-26T12:00:00Z")).JsonAsync();

        Assert.Equal(0, later.GetProperty("count").GetInt64());
    }

    [Theory]
    [InlineData("asOf=tomorrow", "$.asOf")]
    [InlineData("asOf=2026-11-26", "$.asOf")]
    [InlineData("sample=101", "$.sample")]
    [InlineData("sample=-1", "$.sample")]
    public async Task A_bad_query_parameter_is_refused_with_its_name(string query, string path)
    {
        var problem = await (await _api.GetAsync($"/api/segments/vip/preview?{query}")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(path, Assert.Single(problem.Errors).Path);
    }

    [Theory]
    [MemberData(nameof(Segments))]
    public async Task An_unsaved_definition_previews_as_the_saved_one_does_in_a_small_tenant_exactly(string segment)
    {
        var (_, count, members) = SeedData.Expected().Single(e => e.Segment == segment);
        var definition = JsonNode.Parse(SeedData.Definitions().Single(d => d.Id == segment).Json)!.AsObject();
        definition.Remove("id");

        var draft = await (await _api.PostAsync("/api/segments:preview?sample=100", definition.ToJsonString())).JsonAsync();

        Assert.Equal(count, draft.GetProperty("count").GetInt64());
        Assert.True(draft.GetProperty("exact").GetBoolean());
        Assert.False(draft.TryGetProperty("estimate", out _));
        Assert.Equal(members, draft.GetProperty("sample").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task An_unsaved_edit_of_a_saved_segment_is_counted_with_the_edit_and_the_saved_segments_it_uses()
    {
        // customers edited to "everyone who bought or has a newsletter status", previewed as win-back's reference would see it.
        var edit = """{"id":"win-back","name":"Win-back","match":{"and":[{"segment":{"id":"customers"}},{"not":{"engagement":{"event":"open","within":"60d"}}}]}}""";
        var saved = await (await _api.GetAsync("/api/segments/win-back/preview")).JsonAsync();

        var draft = await (await _api.PostAsync("/api/segments:preview?exact=true", edit)).JsonAsync();

        Assert.Equal(saved.GetProperty("count").GetInt64(), draft.GetProperty("count").GetInt64());
        Assert.Equal("win-back", draft.GetProperty("segment").GetString());
    }

    [Theory]
    [InlineData("""{"name":"X","match":{"field":{"name":"plan","op":"gt","value":1}}}""", "", "$.match.field.op")]
    [InlineData("""{"name":"X","match":{"segment":{"id":"nope"}}}""", "", "$.match.segment.id")]
    [InlineData("""{"name":"X","match":{"everyone":{}}""", "", "$")]
    [InlineData("""{"name":"X","match":{"list":{"id":"newsletter"}}}""", "exact=maybe", "$.exact")]
    [InlineData("""{"name":"X","match":{"list":{"id":"newsletter"}}}""", "sample=500", "$.sample")]
    public async Task A_bad_unsaved_definition_or_query_is_refused_with_its_path(string definition, string query, string path)
    {
        var problem = await (await _api.PostAsync($"/api/segments:preview?{query}", definition)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(path, problem.Errors.Select(e => e.Path));
    }

    [Fact]
    public async Task An_unknown_segment_has_no_preview()
    {
        await (await _api.GetAsync("/api/segments/nope/preview")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
