using System.Net;
using Microsoft.AspNetCore.Builder;
using Segments.TestSupport.Emulators;

namespace Segments.Api.Tests.Catalog;

/// <summary>The segment and schema routes over one kind of catalog store; each store runs the same tests.</summary>
public abstract class CatalogApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private HttpClient _api = null!;

    protected abstract Action<WebApplicationBuilder> Stores { get; }

    private const string Customers = """{"name":"Customers","match":{"conversion":{"event":"purchase"}}}""";
    private const string WinBack = """{"name":"Win-back","match":{"and":[{"segment":{"id":"customers"}},{"not":{"engagement":{"event":"open","within":"60d"}}}]}}""";
    private const string Vip = """{"id":"vip","name":"VIP","match":{"field":{"name":"mrr","op":"gt","value":500}}}""";

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync(Stores);
        _api = _host.Client(TestTenant.A);
        await (await _api.PutAsync("/api/schema", SeedData.Schema)).JsonAsync();
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_segment_is_created_read_and_listed()
    {
        var created = await _api.PutAsync("/api/segments/customers", Customers);
        var body = await created.JsonAsync(HttpStatusCode.Created);
        await (await _api.PutAsync("/api/segments/vip", Vip)).JsonAsync(HttpStatusCode.Created);

        var read = await _api.GetAsync("/api/segments/customers");
        var list = await (await _api.GetAsync("/api/segments")).JsonAsync();

        Assert.Equal("/api/segments/customers", created.Headers.Location?.ToString());
        Assert.Equal(created.ETag(), body.GetProperty("etag").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        var stored = await read.JsonAsync();
        Assert.Equal(created.ETag(), read.ETag());
        Assert.Equal("customers", stored.GetProperty("definition").GetProperty("id").GetString());
        Assert.Equal("purchase", stored.GetProperty("definition").GetProperty("match").GetProperty("conversion").GetProperty("event").GetString());
        Assert.Equal(["customers", "vip"], list.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task A_long_definition_is_kept_whole()
    {
        // Longer than one Table string property holds (32 Ki characters).
        var description = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i % 10}ü✓ "));
        await (await _api.PutAsync("/api/segments/long", "{\"name\":\"Long\",\"description\":\"" + description + "\",\"match\":{\"list\":{\"id\":\"n\"}}}"))
            .JsonAsync(HttpStatusCode.Created);

        var read = await (await _api.GetAsync("/api/segments/long")).JsonAsync();

        Assert.Equal(description, read.GetProperty("definition").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Replacing_with_a_stale_etag_is_refused_with_412()
    {
        var first = await _api.PutAsync("/api/segments/customers", Customers);
        var replaced = await _api.PutAsync("/api/segments/customers", Customers.Replace("purchase", "signup"), ifMatch: first.ETag());
        var body = await replaced.JsonAsync();

        var stale = await _api.PutAsync("/api/segments/customers", Customers.Replace("purchase", "trial"), ifMatch: first.ETag());

        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, body.GetProperty("version").GetInt32());
        Assert.NotEqual(first.ETag(), replaced.ETag());
        var current = await (await _api.GetAsync("/api/segments/customers")).JsonAsync();
        Assert.Equal("signup", current.GetProperty("definition").GetProperty("match").GetProperty("conversion").GetProperty("event").GetString());
    }

    [Fact]
    public async Task If_match_on_a_segment_that_does_not_exist_is_refused_with_412()
    {
        await (await _api.PutAsync("/api/segments/customers", Customers, ifMatch: "\"1\"")).ProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await _api.PutAsync("/api/segments/customers", Customers, ifMatch: "*")).ProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await _api.GetAsync("/api/segments/customers")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_referenced_segment_is_refused_with_409_until_nothing_uses_it()
    {
        await (await _api.PutAsync("/api/segments/customers", Customers)).JsonAsync(HttpStatusCode.Created);
        await (await _api.PutAsync("/api/segments/win-back", WinBack)).JsonAsync(HttpStatusCode.Created);

        var refused = await (await _api.DeleteAsync("/api/segments/customers")).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("used by segment 'win-back'", Assert.Single(refused.Errors).Message);
        var user = Assert.Single(refused.Body.GetProperty("usedBy").EnumerateArray());
        Assert.Equal(("segment", "win-back"), (user.GetProperty("kind").GetString(), user.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.NoContent, (await _api.DeleteAsync("/api/segments/win-back")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.DeleteAsync("/api/segments/customers")).StatusCode);
        await (await _api.GetAsync("/api/segments/customers")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _api.DeleteAsync("/api/segments/customers")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_with_a_stale_etag_is_refused_with_412()
    {
        var first = await _api.PutAsync("/api/segments/customers", Customers);
        await _api.PutAsync("/api/segments/customers", Customers.Replace("purchase", "signup"));

        await (await _api.SendAsync(HttpMethod.Delete, "/api/segments/customers", ifMatch: first.ETag())).ProblemAsync(HttpStatusCode.PreconditionFailed);

        var current = await _api.GetAsync("/api/segments/customers");
        Assert.Equal(HttpStatusCode.NoContent, (await _api.SendAsync(HttpMethod.Delete, "/api/segments/customers", ifMatch: current.ETag())).StatusCode);
    }

    [Fact]
    public async Task A_cycle_is_rejected_with_the_path_of_the_reference()
    {
        await _api.PutAsync("/api/segments/customers", Customers);
        await (await _api.PutAsync("/api/segments/win-back", WinBack)).JsonAsync(HttpStatusCode.Created);

        var problem = await (await _api.PutAsync("/api/segments/customers", """{"name":"C","match":{"segment":{"id":"win-back"}}}"""))
            .ProblemAsync(HttpStatusCode.BadRequest);

        var error = Assert.Single(problem.Errors);
        Assert.Equal("$.match.segment.id", error.Path);
        Assert.Contains("cycle", error.Message);
    }

    [Fact]
    public async Task A_reference_to_no_segment_is_rejected_with_its_path()
    {
        var problem = await (await _api.PutAsync("/api/segments/win-back", WinBack)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(("$.match.and[0].segment.id", "segment 'customers' does not exist; create it first"), Assert.Single(problem.Errors));
    }

    [Fact]
    public async Task A_reference_to_no_segment_is_reported_together_with_every_other_problem()
    {
        const string Match = """{"and":[{"segment":{"id":"customers"}},{"field":{"name":"seats","op":"gt","value":5}},{"segment":{"id":"vips"}}]}""";

        foreach (var (method, path, body) in new[]
        {
            ("PUT", "/api/segments/x", $$"""{"name":"","match":{{Match}}}"""),
            ("POST", "/api/segments/validate", $$"""{"id":"x","name":"","match":{{Match}}}"""),
        })
        {
            var problem = await (await _api.SendAsync(new HttpMethod(method), path, body)).ProblemAsync(HttpStatusCode.BadRequest);

            Assert.Equal(["$.match.and[0].segment.id", "$.match.and[1].field.name", "$.match.and[2].segment.id", "$.name"], problem.Errors.Select(e => e.Path).Order());
            Assert.Equal("segment 'vips' does not exist; create it first", problem.Errors.Single(e => e.Path == "$.match.and[2].segment.id").Message);
        }
    }

    [Fact]
    public async Task An_unknown_field_is_rejected_with_its_path()
    {
        var problem = await (await _api.PutAsync("/api/segments/x",
            """{"name":"X","match":{"or":[{"list":{"id":"n"}},{"field":{"name":"seats","op":"gt","value":5}}]}}""")).ProblemAsync(HttpStatusCode.BadRequest);

        var error = Assert.Single(problem.Errors);
        Assert.Equal("$.match.or[1].field.name", error.Path);
        Assert.Contains("unknown field 'seats'", error.Message);
    }

    [Fact]
    public async Task The_type_of_a_used_field_cannot_change_while_unused_fields_can()
    {
        await (await _api.PutAsync("/api/segments/vip", Vip)).JsonAsync(HttpStatusCode.Created);

        var refused = await (await _api.PutAsync("/api/schema", """{"fields":{"mrr":"text","plan":"text"}}""")).ProblemAsync(HttpStatusCode.Conflict);
        var changed = await (await _api.PutAsync("/api/schema", """{"fields":{"mrr":"number","plan":"number","seats":"number"}}""")).JsonAsync();

        Assert.Equal("$.fields.mrr", Assert.Single(refused.Errors).Path);
        Assert.Equal("vip", Assert.Single(refused.Body.GetProperty("usedBy").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("number", changed.GetProperty("fields").GetProperty("plan").GetString());
        var schema = await (await _api.GetAsync("/api/schema")).JsonAsync();
        Assert.Equal(["mrr", "plan", "seats"], schema.GetProperty("fields").EnumerateObject().Select(f => f.Name));
    }

    [Fact]
    public async Task A_tags_field_is_kept_by_the_store_and_takes_the_tags_operators()
    {
        await (await _api.PutAsync("/api/schema", """{"fields":{"mrr":"number","plan":"text","interests":"tags"}}""")).JsonAsync();
        await (await _api.PutAsync("/api/segments/skiers",
            """{"name":"Skiers","match":{"field":{"name":"interests","op":"includes_any","value":["ski","snowboard"]}}}""")).JsonAsync(HttpStatusCode.Created);
        var wrong = await (await _api.PutAsync("/api/segments/wrong",
            """{"name":"Wrong","match":{"field":{"name":"interests","op":"eq","value":"ski"}}}""")).ProblemAsync(HttpStatusCode.BadRequest);

        var schema = await (await _api.GetAsync("/api/schema")).JsonAsync();
        Assert.Equal("tags", schema.GetProperty("fields").GetProperty("interests").GetString());
        Assert.Equal("$.match.field.op", Assert.Single(wrong.Errors).Path);
        var refused = await (await _api.PutAsync("/api/schema", """{"fields":{"mrr":"number","plan":"text","interests":"text"}}""")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("$.fields.interests", Assert.Single(refused.Errors).Path);
    }

    [Fact]
    public async Task A_schema_with_an_unknown_type_is_rejected_with_its_path()
    {
        var problem = await (await _api.PutAsync("/api/schema", """{"fields":{"mrr":"money"}}""")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal("$.fields.mrr", Assert.Single(problem.Errors).Path);
    }

    [Fact]
    public async Task Validation_reports_without_saving()
    {
        var report = await (await _api.PostAsync("/api/segments/validate", Vip)).JsonAsync();
        var invalid = await (await _api.PostAsync("/api/segments/validate", """{"id":"x","name":"X","match":{"segment":{"id":"vip"}}}"""))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(report.GetProperty("valid").GetBoolean());
        Assert.Equal(["mrr"], report.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("$.match.segment.id", Assert.Single(invalid.Errors).Path);
        Assert.Empty((await (await _api.GetAsync("/api/segments")).JsonAsync()).GetProperty("segments").EnumerateArray());
    }

    [Fact]
    public async Task The_path_names_the_segment_and_the_body_must_agree()
    {
        var problem = await (await _api.PutAsync("/api/segments/other", Vip)).ProblemAsync(HttpStatusCode.BadRequest);
        var notJson = await (await _api.PutAsync("/api/segments/vip", "{\"name\":")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal("$.id", Assert.Single(problem.Errors).Path);
        Assert.Equal("$", Assert.Single(notJson.Errors).Path);
    }
}

public sealed class InMemoryCatalogApiTests : CatalogApiTests
{
    protected override Action<WebApplicationBuilder> Stores => Backends.InMemory;
}

[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TableCatalogApiTests(EmulatorFixture fixture) : CatalogApiTests
{
    protected override Action<WebApplicationBuilder> Stores => Backends.Tables(fixture.Emulators);
}

public sealed class SqliteCatalogApiTests : CatalogApiTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-api-").FullName;

    protected override Action<WebApplicationBuilder> Stores => Backends.Sqlite(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
