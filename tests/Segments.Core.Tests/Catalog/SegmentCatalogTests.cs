using System.Text.Json;
using Segments.Core.Catalog;
using Segments.Core.Ports;
using Segments.Engine.Input;
using Segments.Engine.Language;
using Segments.Engine.Model;
using Segments.TestSupport.Stores;

namespace Segments.Core.Tests.Catalog;

public class SegmentCatalogTests : IAsyncLifetime
{
    private const string Tenant = "t1";
    private readonly InMemoryCatalogStore _store = new();
    private readonly SegmentCatalog _catalog;

    public SegmentCatalogTests() => _catalog = new SegmentCatalog(_store);

    public async Task InitializeAsync() => Assert.True((await _catalog.SetSchemaAsync(Tenant, Schema(Fields))).Succeeded);

    public Task DisposeAsync() => Task.CompletedTask;

    private static JsonElement Definition(string id, string match) =>
        JsonDocument.Parse($"{{\"id\":\"{id}\",\"name\":\"{id}\",\"match\":{match}}}").RootElement;

    private static string Uses(string id) => $"{{\"segment\":{{\"id\":\"{id}\"}}}}";

    private const string OnList = """{"list":{"id":"newsletter"}}""";

    private Task<CatalogResult<CatalogEntry>> Save(string id, string match, IfMatch? ifMatch = null) =>
        _catalog.SaveSegmentAsync(Tenant, Definition(id, match), ifMatch);

    private const string Fields = """ "plan":"text","mrr":"number","trial_ends":"date","vip":"boolean","company":"text","interests":"tags" """;

    private static FieldSchema Schema(string fields) =>
        InputReader.ReadSchema(JsonDocument.Parse($"{{\"fields\":{{{fields}}}}}").RootElement).Schema!;

    [Fact]
    public async Task Saving_creates_then_replaces_with_a_new_version_and_etag()
    {
        var created = await Save("a", OnList);
        var replaced = await Save("a", """{"field":{"name":"mrr","op":"gt","value":5}}""");

        Assert.Equal(CatalogStatus.Created, created.Status);
        Assert.Equal(CatalogStatus.Ok, replaced.Status);
        Assert.Equal([1, 2], new[] { created.Value!.Definition!.Version, replaced.Value!.Definition!.Version });
        Assert.NotEqual(created.Value.Definition.ETag, replaced.Value.Definition.ETag);
        var stored = await _catalog.GetSegmentAsync(Tenant, "a");
        Assert.Equal(replaced.Value.Definition.Json, stored!.Definition!.Json);
        Assert.Equal(["mrr"], stored.Fields);
    }

    [Fact]
    public async Task A_stale_etag_is_refused_and_changes_nothing()
    {
        var first = (await Save("a", OnList)).Value!.Definition!;
        await Save("a", """{"list":{"id":"other"}}""", IfMatch.Of(first.ETag));

        var stale = await Save("a", """{"list":{"id":"third"}}""", IfMatch.Of(first.ETag));

        Assert.Equal(CatalogStatus.PreconditionFailed, stale.Status);
        Assert.Contains("other", (await _catalog.GetSegmentAsync(Tenant, "a"))!.Definition!.Json);
    }

    [Fact]
    public async Task If_match_needs_the_segment_to_exist()
    {
        Assert.Equal(CatalogStatus.PreconditionFailed, (await Save("a", OnList, IfMatch.Exists)).Status);
        Assert.Equal(CatalogStatus.NotFound, (await _catalog.DeleteSegmentAsync(Tenant, "a", IfMatch.Exists)).Status);
        Assert.Null(await _catalog.GetSegmentAsync(Tenant, "a"));
    }

    [Fact]
    public async Task An_etag_is_not_given_again_after_delete_and_create()
    {
        var first = (await Save("a", OnList)).Value!.Definition!;
        await _catalog.DeleteSegmentAsync(Tenant, "a", IfMatch.Of(first.ETag));

        var again = (await Save("a", OnList)).Value!.Definition!;

        Assert.Equal(1, again.Version);
        Assert.NotEqual(first.ETag, again.ETag);
    }

    [Fact]
    public async Task An_unknown_field_is_refused_with_its_path()
    {
        var result = await Save("a", """{"and":[{"list":{"id":"n"}},{"field":{"name":"nope","op":"eq","value":1}}]}""");

        Assert.Equal(CatalogStatus.Invalid, result.Status);
        Assert.Equal("$.match.and[1].field.name", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public async Task A_reference_to_nothing_is_refused_with_its_path()
    {
        var result = await Save("a", $"{{\"not\":{Uses("ghost")}}}");

        Assert.Equal(CatalogStatus.Invalid, result.Status);
        var error = Assert.Single(result.Errors);
        Assert.Equal("$.match.not.segment.id", error.Path);
        Assert.Contains("'ghost' does not exist", error.Message);
    }

    [Fact]
    public async Task A_cycle_is_refused()
    {
        await Save("a", OnList);
        await Save("b", Uses("a"));

        var result = await Save("a", Uses("b"));

        Assert.Equal(CatalogStatus.Invalid, result.Status);
        Assert.Contains("cycle", Assert.Single(result.Errors).Message);
        Assert.Empty((await _catalog.GetSegmentAsync(Tenant, "a"))!.Segments);
    }

    [Fact]
    public async Task Replacing_a_segment_cannot_deepen_a_segment_that_uses_it_past_the_limit()
    {
        // s0 → s1 → … → s8: s0 nests references exactly 8 deep.
        await Save("s8", OnList);
        for (var i = 7; i >= 0; i--)
        {
            Assert.True((await Save($"s{i}", Uses($"s{i + 1}"))).Succeeded);
        }
        await Save("s9", OnList);

        var result = await Save("s8", Uses("s9"));

        Assert.Equal(CatalogStatus.Invalid, result.Status);
        Assert.Contains("segment 's0' uses this one", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public async Task A_definition_longer_than_a_store_row_holds_is_refused()
    {
        var description = new string('x', SegmentCatalog.MaxDefinitionLength);
        var json = JsonDocument.Parse($"{{\"id\":\"a\",\"name\":\"A\",\"description\":\"{description}\",\"match\":{OnList}}}").RootElement;

        var result = await _catalog.SaveSegmentAsync(Tenant, json, null);

        Assert.Equal(CatalogStatus.Invalid, result.Status);
        Assert.Equal("$", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public async Task Validation_does_not_save()
    {
        Assert.True((await _catalog.ValidateAsync(Tenant, Definition("a", OnList))).Succeeded);
        Assert.Equal(CatalogStatus.Invalid, (await _catalog.ValidateAsync(Tenant, Definition("b", Uses("a")))).Status);
        Assert.Empty(await _catalog.ListSegmentsAsync(Tenant));
    }

    [Fact]
    public async Task A_segment_used_by_a_segment_or_a_drip_cannot_be_deleted()
    {
        await Save("customers", OnList);
        await Save("win-back", Uses("customers"));
        var drip = new CatalogUser(CatalogUserKind.Drip, "welcome");
        Assert.True((await _catalog.SetUserAsync(Tenant, drip, [new SegmentReference("customers", "$.segment")])).Succeeded);

        var refused = await _catalog.DeleteSegmentAsync(Tenant, "customers", null);

        Assert.Equal(CatalogStatus.Conflict, refused.Status);
        Assert.Equal([CatalogUser.Segment("win-back"), drip], refused.UsedBy.OrderBy(u => u.Kind));
        await _catalog.DeleteSegmentAsync(Tenant, "win-back", null);
        await _catalog.RemoveUserAsync(Tenant, drip);
        Assert.Equal(CatalogStatus.Ok, (await _catalog.DeleteSegmentAsync(Tenant, "customers", null)).Status);
        Assert.Empty(await _catalog.ListSegmentsAsync(Tenant));
    }

    [Fact]
    public async Task A_drip_can_only_use_segments_that_exist()
    {
        var result = await _catalog.SetUserAsync(Tenant, new CatalogUser(CatalogUserKind.Trigger, "t"), [new SegmentReference("ghost", "$.segment")]);

        Assert.Equal(CatalogStatus.Invalid, result.Status);
        Assert.Equal("$.segment", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public async Task A_used_field_keeps_its_type_and_stays_while_unused_ones_change()
    {
        await Save("big", """{"field":{"name":"mrr","op":"gt","value":500}}""");

        var retyped = await _catalog.SetSchemaAsync(Tenant, Schema("\"mrr\":\"text\",\"plan\":\"text\""));
        var removed = await _catalog.SetSchemaAsync(Tenant, Schema("\"plan\":\"text\""));
        var others = await _catalog.SetSchemaAsync(Tenant, Schema("\"mrr\":\"number\",\"plan\":\"number\",\"seats\":\"number\""));

        Assert.Equal(CatalogStatus.Conflict, retyped.Status);
        Assert.Equal("$.fields.mrr", Assert.Single(retyped.Errors).Path);
        Assert.Equal([CatalogUser.Segment("big")], retyped.UsedBy);
        Assert.Equal(CatalogStatus.Conflict, removed.Status);
        Assert.Contains("cannot be removed", Assert.Single(removed.Errors).Message);
        Assert.Equal(CatalogStatus.Ok, others.Status);
        Assert.Equal(FieldType.Number, (await _catalog.GetSchemaAsync(Tenant)).Custom["plan"]);
    }

    [Fact]
    public async Task A_change_planned_on_an_old_catalog_is_planned_again()
    {
        // b → a is committed between the planning and the commit of a → b: replanned, a → b is a cycle.
        var racing = new RacingStore(_store);
        var catalog = new SegmentCatalog(racing);
        await catalog.SaveSegmentAsync(Tenant, Definition("a", OnList), null);
        await catalog.SaveSegmentAsync(Tenant, Definition("b", OnList), null);
        racing.BeforeNextCommit = () => new SegmentCatalog(_store).SaveSegmentAsync(Tenant, Definition("b", Uses("a")), null);

        var result = await catalog.SaveSegmentAsync(Tenant, Definition("a", Uses("b")), null);

        Assert.Equal(CatalogStatus.Invalid, result.Status);
        Assert.Contains("cycle", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public async Task Tenants_do_not_see_each_other()
    {
        await Save("a", OnList);

        Assert.Null(await _catalog.GetSegmentAsync("t2", "a"));
        Assert.Empty(await _catalog.ListSegmentsAsync("t2"));
        Assert.Equal(CatalogStatus.NotFound, (await _catalog.DeleteSegmentAsync("t2", "a", null)).Status);
        Assert.Equal(CatalogStatus.Invalid, (await _catalog.SaveSegmentAsync("t2", Definition("b", Uses("a")), null)).Status);
    }

    /// <summary>Runs a competing change just before the next commit, as a concurrent caller would.</summary>
    private sealed class RacingStore(ICatalogStore inner) : ICatalogStore
    {
        public Func<Task>? BeforeNextCommit { get; set; }

        public Task<CatalogSnapshot> ReadAsync(string tenant, CancellationToken cancellationToken = default) => inner.ReadAsync(tenant, cancellationToken);

        public Task<long> RevisionAsync(string tenant, CancellationToken cancellationToken = default) => inner.RevisionAsync(tenant, cancellationToken);

        public Task<CatalogEntry?> ReadEntryAsync(string tenant, CatalogUser user, CancellationToken cancellationToken = default) =>
            inner.ReadEntryAsync(tenant, user, cancellationToken);

        public async Task CommitAsync(string tenant, long expectedRevision, CatalogChange change, CancellationToken cancellationToken = default)
        {
            if (BeforeNextCommit is { } race)
            {
                BeforeNextCommit = null;
                await race();
            }
            await inner.CommitAsync(tenant, expectedRevision, change, cancellationToken);
        }
    }
}
