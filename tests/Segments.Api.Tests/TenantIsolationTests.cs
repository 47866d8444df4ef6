using System.Net;
using Microsoft.AspNetCore.Builder;
using Segments.TestSupport.Emulators;

namespace Segments.Api.Tests;

/// <summary>
/// Tenant B's key against tenant A's things, on every route (<see cref="Routes.All"/>): B can neither read,
/// list, preview, change nor delete anything of A; what B writes lands in B's own space; A's ids answer 404.
/// </summary>
public abstract class TenantIsolationTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private HttpClient _a = null!;
    private HttpClient _b = null!;

    protected abstract Action<WebApplicationBuilder> Stores { get; }

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync(Stores);
        _a = _host.Client(TestTenant.A);
        _b = _host.Client(TestTenant.B);
        await (await _a.PutAsync("/api/schema", SeedData.Schema)).JsonAsync();
        await (await _a.PutAsync("/api/segments/customers", Routes.Segment)).JsonAsync(HttpStatusCode.Created);
        await (await _a.PutAsync("/api/segments/vip", """{"name":"VIP","match":{"and":[{"segment":{"id":"customers"}},{"field":{"name":"mrr","op":"gt","value":500}}]}}"""))
            .JsonAsync(HttpStatusCode.Created);
        await (await _a.PutAsync("/api/contacts/c01", """{"email":"only-in-a@example.com","fields":{"mrr":900}}""")).JsonAsync(HttpStatusCode.Created);
        await (await _a.PostAsync("/api/suppressions", """[{"contactId":"c01","reason":"hard_bounce","at":"2026-09-01T00:00:00Z"}]""")).JsonAsync();
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _host.DisposeAsync();
    }

    /// <summary>Everything A can see, to compare before and after B's calls.</summary>
    private async Task<string> SnapshotOfA()
    {
        var parts = new List<string>();
        foreach (var path in new[] { "/api/segments", "/api/schema", "/api/contacts/c01", "/api/segments/vip/preview?asOf=2026-11-26T12:00:00Z" })
        {
            parts.Add((await (await _a.GetAsync(path)).JsonAsync()).GetRawText());
        }
        return string.Join("\n", parts);
    }

    [Fact]
    public async Task Tenant_b_can_neither_read_list_preview_change_nor_delete_anything_of_tenant_a()
    {
        var before = await SnapshotOfA();
        var etag = (await _a.GetAsync("/api/segments/customers")).ETag();

        // Reads of A's ids: 404 (never 403), and lists and the schema are B's own (empty).
        await (await _b.GetAsync("/api/segments/customers")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _b.GetAsync("/api/segments/customers/preview")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _b.GetAsync("/api/contacts/c01")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await _b.GetAsync("/api/segments")).JsonAsync()).GetProperty("segments").EnumerateArray());
        Assert.Empty((await (await _b.GetAsync("/api/schema")).JsonAsync()).GetProperty("fields").EnumerateObject());

        // Deletes and conditional replaces of A's segment: as if it did not exist.
        await (await _b.DeleteAsync("/api/segments/customers")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _b.SendAsync(HttpMethod.Delete, "/api/segments/customers", ifMatch: etag)).ProblemAsync(HttpStatusCode.NotFound);
        await (await _b.PutAsync("/api/segments/customers", Routes.Segment, ifMatch: etag)).ProblemAsync(HttpStatusCode.PreconditionFailed);

        // A's segments cannot be referenced, and A's used field is B's to type as it likes.
        var validation = await (await _b.CallAsync(Routes.All.Single(r => r.Path == "/api/segments/validate"))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'customers' does not exist", Assert.Single(validation.Errors).Message);
        await (await _b.PutAsync("/api/schema", """{"fields":{"mrr":"text"}}""")).JsonAsync();

        // Writes under A's ids create B's own things.
        await (await _b.PutAsync("/api/segments/customers", Routes.Segment.Replace("purchase", "signup"))).JsonAsync(HttpStatusCode.Created);
        await (await _b.PutAsync("/api/contacts/c01", """{"email":"someone-else@example.com"}""")).JsonAsync(HttpStatusCode.Created);
        await (await _b.PostAsync("/api/suppressions", """[{"contactId":"c01","reason":"complaint","at":"2026-10-02T00:00:00Z"}]""")).JsonAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await _b.DeleteAsync("/api/segments/customers")).StatusCode);

        Assert.Equal(before, await SnapshotOfA());
        Assert.Equal(etag, (await _a.GetAsync("/api/segments/customers")).ETag());
    }

    [Fact]
    public async Task Every_route_called_by_tenant_b_leaves_tenant_a_as_it_was()
    {
        var before = await SnapshotOfA();

        foreach (var route in Routes.All)
        {
            var response = await _b.CallAsync(route);
            Assert.True(response.StatusCode is not HttpStatusCode.Forbidden and not HttpStatusCode.InternalServerError, $"{route}: {response.StatusCode}");
            var body = await response.Content.ReadAsStringAsync();
            // Nothing of A's in any answer: its contact's email, its segment vip, its suppression.
            Assert.DoesNotContain("only-in-a@example.com", body);
            Assert.DoesNotContain("vip", body);
            Assert.DoesNotContain("hard_bounce", body);
        }

        Assert.Equal(before, await SnapshotOfA());
        var contact = await (await _a.GetAsync("/api/contacts/c01")).JsonAsync();
        Assert.Equal(["hard_bounce"], contact.GetProperty("suppressions").EnumerateArray().Select(s => s.GetProperty("reason").GetString()));
        Assert.Equal("only-in-a@example.com", contact.GetProperty("email").GetString());
    }
}

public sealed class InMemoryTenantIsolationTests : TenantIsolationTests
{
    protected override Action<WebApplicationBuilder> Stores => Backends.InMemory;
}

[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TableTenantIsolationTests(EmulatorFixture fixture) : TenantIsolationTests
{
    protected override Action<WebApplicationBuilder> Stores => Backends.Tables(fixture.Emulators);
}

public sealed class SqliteTenantIsolationTests : TenantIsolationTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-api-").FullName;

    protected override Action<WebApplicationBuilder> Stores => Backends.Sqlite(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
