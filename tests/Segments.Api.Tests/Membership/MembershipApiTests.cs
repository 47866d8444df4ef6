using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Segments.Api.Jobs;
using Segments.Api.Membership;
using Segments.Azure;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Embedded.Membership;
using Segments.Engine.Documents;
using Segments.Engine.Model;
using Segments.TestSupport.Emulators;
using Segments.TestSupport.Stores;

namespace Segments.Api.Tests.Membership;

/// <summary>
/// The change feed, drips and triggers over HTTP: a contact ageing into win-back with no event is in the feed, enrolled
/// once and fired on; a used segment cannot be deleted; bad bodies are refused; tenant B sees none of A's ids.
/// </summary>
public abstract class MembershipApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset LastOpen = new(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(LastOpen + TimeSpan.FromHours(1));
    private WebApplication _app = null!;
    private HttpClient _a = null!;
    private HttpClient _b = null!;

    /// <summary>Registers the membership and consumer stores; the catalog and contacts are in memory.</summary>
    protected abstract void Stores(IServiceCollection services);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(ApiHost.TenantSettings(TestTenant.A, TestTenant.B));
        builder.Services.AddSingleton<TimeProvider>(_clock);
        Backends.InMemory(builder);
        Stores(builder.Services);
        builder.Services.AddSegmentsApi(builder.Configuration).AddMembershipApi().AddJobsApi()
            .AddSingleton<IJobStore, InMemoryJobStore>().AddSingleton<IImportSpool, InMemoryImportSpool>().AddSingleton<IJobScheduler, InlineJobScheduler>();
        _app = builder.Build();
        _app.MapSegmentsApi();
        _app.MapMembershipApi();
        await _app.StartAsync();
        var address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        _a = Client(address, TestTenant.A);
        _b = Client(address, TestTenant.B);
        await (await _a.PutAsync("/api/segments/win-back",
            """{"name":"Win-back","match":{"and":[{"engagement":{"event":"open"}},{"not":{"engagement":{"event":"open","within":"60d"}}}]}}"""))
            .JsonAsync(HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static HttpClient Client(Uri address, TestTenant tenant) =>
        new() { BaseAddress = address, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", tenant.ApiKey) } };

    private Task FoldAsync(string tenant, string json) =>
        new StreamFolder(_app.Services.GetRequiredService<IContactStore>(), new InMemoryDeadLetterStore(), new ContactFolder(new FoldOptions()), _clock,
            written: _app.Services.GetRequiredService<IContactWritten>())
            .HandleAsync([new StreamMessage(tenant, Encoding.UTF8.GetBytes(json), Guid.NewGuid().ToString("N"))]);

    private static string Open(string id, DateTimeOffset at, string contact = "c1", string country = "DE") =>
        $$$"""{"id":"{{{id}}}","contactId":"{{{contact}}}","kind":"email","name":"open","at":"{{{at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}}}","geo":{"country":"{{{country}}}"}}""";

    private static IEnumerable<(string, string)> Items(JsonElement page, string property) =>
        page.GetProperty(property).EnumerateArray().Select(e => (e.GetProperty("contact").GetString()!, e.GetProperty("kind").GetString()!));

    [Fact]
    public async Task Ageing_into_a_segment_is_in_the_feed_enrolled_once_and_fired_on()
    {
        await (await _a.PutAsync("/api/drips/welcome-back", """{"segment":"win-back"}""")).JsonAsync(HttpStatusCode.Created);
        var trigger = await (await _a.PutAsync("/api/triggers/went-quiet", """{"segment":"win-back","on":"entered"}""")).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("entered", trigger.GetProperty("on").GetString());

        await FoldAsync(TestTenant.A.Id, Open("e1", LastOpen));
        _clock.SetUtcNow(LastOpen + TimeSpan.FromDays(60) + TimeSpan.FromSeconds(15));
        Assert.Equal(1, await _app.Services.GetRequiredService<TimeSweep>().RunAsync());
        // Replays (the batch again, the edge evaluated again) record nothing twice, on every store.
        await FoldAsync(TestTenant.A.Id, Open("e1", LastOpen));
        var contact = (await _app.Services.GetRequiredService<IContactStore>().ReadAsync(TestTenant.A.Id, "c1"))!.Document;
        await _app.Services.GetRequiredService<MembershipTracker>().EvaluateAsync(TestTenant.A.Id, contact, LastOpen + TimeSpan.FromDays(60),
            "win-back", CancellationToken.None);
        await FoldAsync(TestTenant.A.Id, Open("e2", _clock.GetUtcNow()));

        var changes = await (await _a.GetAsync("/api/segments/win-back/changes")).JsonAsync();
        Assert.Equal([("c1", "entered"), ("c1", "left")], Items(changes, "changes"));
        Assert.Equal("2026-10-31T08:30:00Z", changes.GetProperty("changes")[0].GetProperty("at").GetString());
        var next = changes.GetProperty("next").GetInt64();
        Assert.Empty((await (await _a.GetAsync($"/api/segments/win-back/changes?since={next}")).JsonAsync()).GetProperty("changes").EnumerateArray());
        var first = await (await _a.GetAsync("/api/segments/win-back/changes?limit=1")).JsonAsync();
        Assert.Equal([("c1", "entered")], Items(first, "changes"));

        Assert.Equal([("c1", "entered")], Items(await (await _a.GetAsync("/api/drips/welcome-back/enrollments")).JsonAsync(), "records"));
        Assert.Equal([("c1", "entered")], Items(await (await _a.GetAsync("/api/triggers/went-quiet/firings")).JsonAsync(), "records"));
    }

    [Fact]
    public async Task The_report_has_each_day_s_counts_and_its_country_slices_sum_to_the_total()
    {
        await FoldAsync(TestTenant.A.Id, Open("e1", LastOpen, "c1", "DE"));
        await FoldAsync(TestTenant.A.Id, Open("e2", LastOpen, "c2", "FR"));
        await FoldAsync(TestTenant.A.Id, Open("e3", LastOpen + TimeSpan.FromDays(30), "c3", "FR"));
        var report = _app.Services.GetRequiredService<DailyReport>();
        _clock.SetUtcNow(LastOpen + TimeSpan.FromDays(61));
        await report.TakeAsync(TestTenant.A.Id, _clock.GetUtcNow());
        _clock.SetUtcNow(LastOpen + TimeSpan.FromDays(91));
        await report.TakeAsync(TestTenant.A.Id, _clock.GetUtcNow());

        var total = await (await _a.GetAsync("/api/segments/win-back/report?from=2026-10-01&to=2026-12-31")).JsonAsync();
        Assert.Equal([("2026-11-01", 2L), ("2026-12-01", 3L)], total.GetProperty("counts").EnumerateArray()
            .Select(c => (c.GetProperty("day").GetString()!, c.GetProperty("count").GetInt64())));
        var byCountry = await (await _a.GetAsync("/api/segments/win-back/report?from=2026-12-01&to=2026-12-01&by=country")).JsonAsync();
        Assert.Equal([("DE", 1L), ("FR", 2L)], byCountry.GetProperty("counts").EnumerateArray()
            .Select(c => (c.GetProperty("slice").GetString()!, c.GetProperty("count").GetInt64())));
        await (await _a.GetAsync("/api/segments/win-back/report?by=city")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await _b.GetAsync("/api/segments/win-back/report")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_profile_upsert_enters_and_leaves_a_tracked_segment_at_once()
    {
        await (await _a.PutAsync("/api/segments/readers", """{"name":"Readers","match":{"list":{"id":"news"}}}""")).JsonAsync(HttpStatusCode.Created);
        await (await _a.PutAsync("/api/drips/welcome", """{"segment":"readers"}""")).JsonAsync(HttpStatusCode.Created);
        await (await _a.PutAsync("/api/triggers/goodbye", """{"segment":"readers","on":"left"}""")).JsonAsync(HttpStatusCode.Created);

        await (await _a.PutAsync("/api/contacts/c1", """{"email":"ada@example.com","lists":{"news":"subscribed"}}""")).JsonAsync(HttpStatusCode.Created);
        Assert.Equal([("c1", "entered")], Items(await (await _a.GetAsync("/api/drips/welcome/enrollments")).JsonAsync(), "records"));
        await (await _a.PutAsync("/api/contacts/c1", """{"email":"ada@example.com","lists":{"news":"unsubscribed"}}""")).JsonAsync();

        var changes = await (await _a.GetAsync("/api/segments/readers/changes")).JsonAsync();
        Assert.Equal([("c1", "entered"), ("c1", "left")], Items(changes, "changes"));
        Assert.Equal(Rfc3339.Format(_clock.GetUtcNow()), changes.GetProperty("changes")[1].GetProperty("at").GetString());
        Assert.Equal([("c1", "left")], Items(await (await _a.GetAsync("/api/triggers/goodbye/firings")).JsonAsync(), "records"));
    }

    [Fact]
    public async Task A_drip_saved_after_changes_enrols_only_contacts_entering_later()
    {
        await (await _a.PutAsync("/api/triggers/went-quiet", """{"segment":"win-back","on":"entered"}""")).JsonAsync(HttpStatusCode.Created);
        await FoldAsync(TestTenant.A.Id, Open("e1", LastOpen, "c1"));
        await FoldAsync(TestTenant.A.Id, Open("e2", LastOpen + TimeSpan.FromHours(1), "c2"));
        _clock.SetUtcNow(LastOpen + TimeSpan.FromDays(60) + TimeSpan.FromMinutes(30));
        Assert.Equal(1, await _app.Services.GetRequiredService<TimeSweep>().RunAsync());

        await (await _a.PutAsync("/api/drips/welcome-back", """{"segment":"win-back"}""")).JsonAsync(HttpStatusCode.Created);
        // Saved again on the same segment, it keeps its place.
        await (await _a.PutAsync("/api/drips/welcome-back", """{"segment":"win-back"}""")).JsonAsync();
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await _app.Services.GetRequiredService<TimeSweep>().RunAsync());

        Assert.Equal([("c2", "entered")], Items(await (await _a.GetAsync("/api/drips/welcome-back/enrollments")).JsonAsync(), "records"));
        Assert.Equal([("c1", "entered"), ("c2", "entered")], Items(await (await _a.GetAsync("/api/triggers/went-quiet/firings")).JsonAsync(), "records"));
    }

    [Fact]
    public async Task A_segment_used_by_a_drip_or_trigger_cannot_be_deleted()
    {
        await (await _a.PutAsync("/api/triggers/t1", """{"segment":"win-back","on":"left"}""")).JsonAsync(HttpStatusCode.Created);
        var problem = await (await _a.DeleteAsync("/api/segments/win-back")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("trigger", problem.Body.GetProperty("usedBy")[0].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Deleting_a_drip_and_a_trigger_frees_their_segment_for_deletion()
    {
        await (await _a.PutAsync("/api/drips/d1", """{"segment":"win-back"}""")).JsonAsync(HttpStatusCode.Created);
        await (await _a.PutAsync("/api/triggers/t1", """{"segment":"win-back","on":"left"}""")).JsonAsync(HttpStatusCode.Created);
        await FoldAsync(TestTenant.A.Id, Open("e1", LastOpen));
        _clock.SetUtcNow(LastOpen + TimeSpan.FromDays(61));
        await _app.Services.GetRequiredService<TimeSweep>().RunAsync();
        Assert.Single(Items(await (await _a.GetAsync("/api/drips/d1/enrollments")).JsonAsync(), "records"));

        await (await _b.DeleteAsync("/api/drips/d1")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await _a.DeleteAsync("/api/drips/d1")).StatusCode);
        await (await _a.GetAsync("/api/drips/d1")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _a.GetAsync("/api/drips/d1/enrollments")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _a.DeleteAsync("/api/drips/d1")).ProblemAsync(HttpStatusCode.NotFound);
        // The trigger still holds the segment.
        await (await _a.DeleteAsync("/api/segments/win-back")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await _a.DeleteAsync("/api/triggers/t1")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _a.DeleteAsync("/api/segments/win-back")).StatusCode);
        // A drip of the same id made again starts with no enrolment.
        await (await _a.PutAsync("/api/segments/win-back", """{"name":"W","match":{"engagement":{"event":"open"}}}""")).JsonAsync(HttpStatusCode.Created);
        await (await _a.PutAsync("/api/drips/d1", """{"segment":"win-back"}""")).JsonAsync(HttpStatusCode.Created);
        Assert.Empty(Items(await (await _a.GetAsync("/api/drips/d1/enrollments")).JsonAsync(), "records"));
    }

    [Fact]
    public async Task Bad_bodies_and_queries_are_refused_with_their_paths()
    {
        Assert.Contains("$.on", (await (await _a.PutAsync("/api/triggers/t1", """{"segment":"win-back","on":"both"}""")).ProblemAsync(HttpStatusCode.BadRequest))
            .Errors.Select(e => e.Path));
        Assert.Contains("$.segment", (await (await _a.PutAsync("/api/drips/d1", """{"segment":"nope"}""")).ProblemAsync(HttpStatusCode.BadRequest))
            .Errors.Select(e => e.Path));
        Assert.Contains("$.since", (await (await _a.GetAsync("/api/segments/win-back/changes?since=-1")).ProblemAsync(HttpStatusCode.BadRequest))
            .Errors.Select(e => e.Path));
    }

    [Fact]
    public async Task Tenant_b_finds_none_of_tenant_a_s_ids()
    {
        await (await _a.PutAsync("/api/drips/d1", """{"segment":"win-back"}""")).JsonAsync(HttpStatusCode.Created);
        await (await _a.PutAsync("/api/triggers/t1", """{"segment":"win-back","on":"left"}""")).JsonAsync(HttpStatusCode.Created);

        await (await _b.GetAsync("/api/segments/win-back/changes")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _b.GetAsync("/api/drips/d1")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _b.GetAsync("/api/drips/d1/enrollments")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _b.GetAsync("/api/triggers/t1/firings")).ProblemAsync(HttpStatusCode.NotFound);
        // B's drip cannot use A's segment: it does not exist for B.
        await (await _b.PutAsync("/api/drips/d1", """{"segment":"win-back"}""")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("win-back", (await (await _a.GetAsync("/api/drips/d1")).JsonAsync()).GetProperty("segment").GetString());
    }
}

public sealed class InMemoryMembershipApiTests : MembershipApiTests
{
    protected override void Stores(IServiceCollection services) =>
        services.AddSingleton<IMembershipStore, InMemoryMembershipStore>().AddSingleton<IConsumerStore, InMemoryConsumerStore>()
            .AddSingleton<IReportStore, InMemoryReportStore>();
}

public sealed class SqliteMembershipApiTests : MembershipApiTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-membership-").FullName;

    protected override void Stores(IServiceCollection services)
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "membership.db"), Pooling = false }.ToString();
        services.AddSingleton<IMembershipStore>(new SqliteMembershipStore(connection)).AddSingleton<IConsumerStore>(new SqliteConsumerStore(connection))
            .AddSingleton<IReportStore>(new SqliteReportStore(connection));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

/// <summary>Through the production registration, with fresh tables so hosts never share memberships.</summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TableMembershipApiTests(EmulatorFixture fixture) : MembershipApiTests
{
    protected override void Stores(IServiceCollection services)
    {
        var suffix = Guid.NewGuid().ToString("N");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{StorageOptions.Section}:ConnectionString"] = fixture.Emulators.StorageConnectionString,
            [$"{StorageOptions.Section}:MembershipTable"] = $"memberships{suffix}",
            [$"{StorageOptions.Section}:MembershipDueTable"] = $"due{suffix}",
            [$"{StorageOptions.Section}:ConsumerTable"] = $"consumers{suffix}",
            [$"{StorageOptions.Section}:ReportTable"] = $"reports{suffix}",
        }).Build();
        services.AddTableStorageMembership(configuration);
    }
}
