using System.Net;
using System.Text.Json;

namespace Segments.Api.Tests.Suppressions;

/// <summary>The suppression list and the removal of a manual suppression over HTTP, per tenant.</summary>
public sealed class SuppressionApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private HttpClient _a = null!;
    private HttpClient _b = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync(Backends.InMemory);
        _a = _host.Client(TestTenant.A);
        _b = _host.Client(TestTenant.B);
        var suppressions = Enumerable.Range(0, 25).Select(i =>
            $$"""{"contactId":"c{{i:D2}}","reason":"{{(i % 5 == 0 ? "manual" : "hard_bounce")}}","at":"2026-10-01T00:00:{{i:D2}}Z"}""");
        await (await _a.PostAsync("/api/suppressions", $"[{string.Join(",", suppressions)}]")).JsonAsync();
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _host.DisposeAsync();
    }

    private static IEnumerable<string> Contacts(JsonElement page) =>
        page.GetProperty("suppressions").EnumerateArray().Select(s => s.GetProperty("contactId").GetString()!);

    [Fact]
    public async Task The_list_pages_through_every_suppression_once_and_filters_by_reason()
    {
        var seen = new List<string>();
        var path = "/api/suppressions?limit=10";
        while (true)
        {
            var page = await (await _a.GetAsync(path)).JsonAsync();
            seen.AddRange(Contacts(page));
            if (page.GetProperty("next").ValueKind == JsonValueKind.Null)
            {
                break;
            }
            path = $"/api/suppressions?limit=10&cursor={page.GetProperty("next").GetString()}";
        }
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"c{i:D2}"), seen.Order());

        var manual = await (await _a.GetAsync("/api/suppressions?reason=manual")).JsonAsync();
        Assert.Equal(["c00", "c05", "c10", "c15", "c20"], Contacts(manual));
        Assert.All(manual.GetProperty("suppressions").EnumerateArray(), s => Assert.Equal("manual", s.GetProperty("reason").GetString()));
        Assert.Empty(Contacts(await (await _b.GetAsync("/api/suppressions")).JsonAsync()));
    }

    [Theory]
    [InlineData("reason=bounced", "$.reason")]
    [InlineData("cursor=not-a-cursor", "$.cursor")]
    [InlineData("limit=0", "$.limit")]
    public async Task A_bad_query_parameter_is_refused_with_its_name(string query, string path)
    {
        var problem = await (await _a.GetAsync($"/api/suppressions?{query}")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(path, Assert.Single(problem.Errors).Path);
    }

    [Fact]
    public async Task Only_a_manual_suppression_is_removed_and_only_by_its_tenant()
    {
        await (await _b.DeleteAsync("/api/suppressions/c05/manual")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _a.DeleteAsync("/api/suppressions/c01/hard_bounce")).ProblemAsync(HttpStatusCode.Conflict);
        await (await _a.DeleteAsync("/api/suppressions/c01/manual")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _a.DeleteAsync("/api/suppressions/c05/sometimes")).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.NoContent, (await _a.DeleteAsync("/api/suppressions/c05/manual")).StatusCode);

        Assert.DoesNotContain("c05", Contacts(await (await _a.GetAsync("/api/suppressions?reason=manual")).JsonAsync()));
        Assert.Contains("c01", Contacts(await (await _a.GetAsync("/api/suppressions?reason=hard_bounce")).JsonAsync()));
        await (await _a.DeleteAsync("/api/suppressions/c05/manual")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
