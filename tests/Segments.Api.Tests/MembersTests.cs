using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Segments.Api.Tests;

/// <summary>A saved segment's members streamed as NDJSON or CSV, and the explanation of a contact's verdict, over the seed example.</summary>
public sealed class MembersTests : IAsyncLifetime
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

    private async Task<HttpResponseMessage> GetAsync(string path, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        return await _api.SendAsync(request);
    }

    [Theory]
    [MemberData(nameof(Segments))]
    public async Task The_members_as_ndjson_and_as_csv_are_the_segment_s_expected_members(string segment)
    {
        var (_, _, members) = SeedData.Expected().Single(e => e.Segment == segment);

        var ndjson = await GetAsync($"/api/segments/{segment}/members?asOf=2026-11-26T12:00:00Z", "application/x-ndjson");
        var csv = await GetAsync($"/api/segments/{segment}/members", "text/csv");

        Assert.Equal("application/x-ndjson", ndjson.Content.Headers.ContentType?.MediaType);
        var lines = (await ndjson.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(members, lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("contactId").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var rows = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("contactId,email", rows[0]);
        Assert.Equal(members, rows.Skip(1).Select(r => r.Split(',')[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_an_accept_header_the_members_are_ndjson_and_csv_quotes_what_needs_it()
    {
        var response = await _api.GetAsync("/api/segments/customers/members");

        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("plain", Api.Segments.MemberHandlers.CsvField("plain"));
        Assert.Equal("\"a,\"\"b\"\"\"", Api.Segments.MemberHandlers.CsvField("a,\"b\""));
    }

    [Fact]
    public async Task The_explanation_of_every_seed_contact_gives_the_expected_verdict_with_evidence()
    {
        foreach (var (segment, _, members) in SeedData.Expected())
        {
            foreach (var contact in new[] { "c01", "c02", "c05", "c08" })
            {
                var explanation = await (await _api.GetAsync($"/api/segments/{segment}/explain/{contact}")).JsonAsync();
                Assert.Equal(members.Contains(contact), explanation.GetProperty("member").GetBoolean());
                Assert.Equal("$.match", explanation.GetProperty("match").GetProperty("path").GetString());
                Assert.Equal(explanation.GetProperty("member").GetBoolean(), explanation.GetProperty("match").GetProperty("result").GetBoolean());
                Assert.Equal("2026-11-26T12:00:00Z", explanation.GetProperty("asOf").GetString());
            }
        }
    }

    [Fact]
    public async Task Unknown_segments_and_contacts_are_not_found_and_a_bad_as_of_is_refused()
    {
        await (await _api.GetAsync("/api/segments/nope/explain/c01")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _api.GetAsync("/api/segments/vip/explain/nobody")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _api.GetAsync("/api/segments/nope/members")).ProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await _api.GetAsync("/api/segments/vip/explain/c01?asOf=yesterday")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("$.asOf", Assert.Single(problem.Errors).Path);
        using var b = _host.Client(TestTenant.B);
        await (await b.GetAsync("/api/segments/vip/explain/c01")).ProblemAsync(HttpStatusCode.NotFound);
        await (await b.GetAsync("/api/segments/vip/members")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
