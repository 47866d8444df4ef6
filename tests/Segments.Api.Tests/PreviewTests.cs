using System.Net;
using Microsoft.Extensions.Time.Testing;
using Segments.Core.Offline;
using Segments.Core.Ports;

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

    public async Task InitializeAsync()
    {
        // The clock stands at the example's T, so a preview without asOf evaluates then.
        _host = await ApiHost.StartAsync(Backends.InMemory, new FakeTimeProvider(SeedData.AsOf));
        _api = _host.Client(TestTenant.A);
        var contacts = _host.Get<IContactStore>();
        foreach (var contact in DataSet.Load(SeedData.Folder).Contacts)
        {
            await contacts.WriteAsync(TestTenant.A.Id, contact, ifMatch: null);
        }
        await (await _api.PutAsync("/api/schema", SeedData.Schema)).JsonAsync();
        foreach (var (id, json) in SeedData.Definitions())
        {
            await (await _api.PutAsync($"/api/segments/{id}", json)).JsonAsync(HttpStatusCode.Created);
        }
    }

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

    [Fact]
    public async Task An_unknown_segment_has_no_preview()
    {
        await (await _api.GetAsync("/api/segments/nope/preview")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
