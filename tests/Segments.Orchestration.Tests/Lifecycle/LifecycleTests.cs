using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Segments.Api.Jobs;
using Segments.Azure.Audiences;
using Segments.Azure.Cosmos;
using Segments.Azure.Jobs;
using Segments.Azure.Membership;
using Segments.Azure.Suppressions;
using Segments.Core.Audience;
using Segments.Core.Ports;
using Segments.TestSupport.Emulators;

namespace Segments.Orchestration.Tests.Lifecycle;

/// <summary>
/// Each lifecycle end to end through the HTTP API, with the jobs and broadcasts run by the Durable orchestrations: a drip
/// created, its baseline recorded by a job, deleted, and its segment deleted; an import with bad lines completing with
/// their line numbers, its members exported as the evaluation finds them; a contact erased from every store and kept out
/// of every later audience, even imported again. On the embedded stores and on the emulators.
/// </summary>
public abstract class LifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(8);
    private LifecycleHost _host = null!;

    /// <summary>Registers the real services that replace the embedded ones (none: the embedded runtime as is).</summary>
    protected abstract Task RegisterAsync(IServiceCollection services);

    /// <summary>How many contacts the import test imports.</summary>
    protected abstract int ImportSize { get; }

    public async Task InitializeAsync()
    {
        var real = new ServiceCollection();
        await RegisterAsync(real);
        _host = await LifecycleHost.StartAsync(services =>
        {
            foreach (var descriptor in real)
            {
                services.Add(descriptor);
            }
        });
        await _host.PutAsync("/api/schema", """{"fields":{"plan":"text","mrr":"number"}}""", HttpStatusCode.OK);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HttpClient Api => _host.Api;

    [Fact]
    public async Task A_drip_is_created_with_its_baseline_job_deleted_and_then_its_segment_can_be_deleted()
    {
        await _host.PutAsync("/api/contacts/c1", """{"email":"ada@example.com","fields":{"plan":"Pro"}}""");
        await _host.PutAsync("/api/segments/pros", """{"name":"Pros","match":{"field":{"name":"plan","op":"eq","value":"Pro"}}}""");

        var drip = await _host.PutAsync("/api/drips/welcome", """{"segment":"pros"}""");
        var baseline = drip.GetProperty("baseline");
        var job = await _host.JobAsync(baseline.GetProperty("job").GetString()!, Patience);
        Assert.Equal(("baseline", "completed"), (job.GetProperty("kind").GetString(), job.GetProperty("status").GetString()));
        Assert.Equal(1, job.GetProperty("done").GetInt64());
        Assert.Equal("completed", (await LifecycleHost.JsonAsync(await Api.GetAsync("/api/drips/welcome"))).GetProperty("baseline").GetProperty("status").GetString());
        // c1 was a Pro before the drip: no false entered; a new Pro enters and is enrolled.
        await _host.PutAsync("/api/contacts/c2", """{"email":"bob@example.com","fields":{"plan":"Pro"}}""");
        var enrolled = await LifecycleHost.JsonAsync(await Api.GetAsync("/api/drips/welcome/enrollments"));
        Assert.Equal(["c2"], enrolled.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("contact").GetString()));

        Assert.Equal(HttpStatusCode.Conflict, (await Api.DeleteAsync("/api/segments/pros")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.DeleteAsync("/api/drips/welcome")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync("/api/drips/welcome")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.DeleteAsync("/api/segments/pros")).StatusCode);
    }

    [Fact]
    public async Task An_import_with_bad_lines_completes_with_their_line_numbers_and_the_export_equals_the_evaluated_members()
    {
        var (upload, bad) = Upload(ImportSize);
        await _host.PutAsync("/api/segments/big-pros",
            """{"name":"Big Pros","match":{"and":[{"field":{"name":"plan","op":"eq","value":"Pro"}},{"field":{"name":"mrr","op":"gt","value":500}}]}}""");

        var accepted = await LifecycleHost.JsonAsync(await Api.PostAsync("/api/contacts:import",
            new StringContent(upload, Encoding.UTF8, JobHandlers.Ndjson)), HttpStatusCode.Accepted);
        var job = await _host.JobAsync(accepted.GetProperty("id").GetString()!, Patience);

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(ImportSize, job.GetProperty("done").GetInt64());
        Assert.Equal(bad.Count, job.GetProperty("rejected").GetInt64());
        var errors = job.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("path").GetString())).ToList();
        Assert.Equal(bad.Take(MaxErrors), errors.Take(MaxErrors));
        var export = await Api.GetStringAsync("/api/segments/big-pros/members");
        var exported = export.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("contactId").GetString()!).Order(StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(0, ImportSize).Where(i => i % 3 == 1 && i % 1000 > 500).Select(Id), exported);
    }

    [Fact]
    public async Task An_erased_contact_is_on_no_store_and_in_no_later_audience_even_imported_again()
    {
        await _host.PutAsync("/api/segments/readers", """{"name":"Readers","match":{"list":{"id":"news"}}}""");
        await _host.PutAsync("/api/contacts/c1", """{"email":"ada@example.com","lists":{"news":"subscribed"}}""");
        var drip = await _host.PutAsync("/api/drips/welcome", """{"segment":"readers"}""");
        await _host.JobAsync(drip.GetProperty("baseline").GetProperty("job").GetString()!, Patience);
        await _host.PutAsync("/api/contacts/c3", """{"email":"Carol@example.com","lists":{"news":"subscribed"}}""");
        await LifecycleHost.JsonAsync(await Api.PostAsync("/api/suppressions",
            new StringContent("""[{"contactId":"c3","reason":"manual","at":"2026-01-01T00:00:00Z"}]""", Encoding.UTF8, "application/json")));
        Assert.Contains("c3", await Api.GetStringAsync("/api/drips/welcome/enrollments"));

        Assert.Equal(HttpStatusCode.NoContent, (await Api.DeleteAsync("/api/contacts/c3")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync("/api/contacts/c3")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync("/api/segments/readers/explain/c3")).StatusCode);
        foreach (var path in new[] { "/api/suppressions", "/api/segments/readers/changes", "/api/drips/welcome/enrollments", "/api/segments/readers/members" })
        {
            Assert.DoesNotContain("c3", await Api.GetStringAsync(path));
        }
        var stores = _host.Services;
        Assert.Null(await stores.GetRequiredService<IContactStore>().ReadAsync(LifecycleHost.Tenant, "c3"));
        Assert.Empty(await stores.GetRequiredService<ISuppressionStore>().ForContactAsync(LifecycleHost.Tenant, "c3"));
        Assert.DoesNotContain((await stores.GetRequiredService<IMembershipStore>().ChangesAsync(LifecycleHost.Tenant, "readers", 0, 1000)),
            c => c.ContactId == "c3");

        // Created again, under its id or another with its address: never in an audience.
        await _host.PutAsync("/api/contacts/c3", """{"email":"someone@example.com","lists":{"news":"subscribed"}}""");
        var reimport = await LifecycleHost.JsonAsync(await Api.PostAsync("/api/contacts:import",
            new StringContent("""{"id":"c9","email":" carol@EXAMPLE.com","lists":{"news":"subscribed"}}""", Encoding.UTF8, JobHandlers.Ndjson)),
            HttpStatusCode.Accepted);
        Assert.Equal("completed", (await _host.JobAsync(reimport.GetProperty("id").GetString()!, Patience)).GetProperty("status").GetString());
        await LifecycleHost.JsonAsync(await Api.PostAsync("/api/broadcasts",
            new StringContent("""{"id":"b1","segment":"readers","list":"news"}""", Encoding.UTF8, "application/json")), HttpStatusCode.Accepted);
        JsonElement broadcast;
        var deadline = DateTime.UtcNow + Patience;
        do
        {
            await Task.Delay(100);
            broadcast = await LifecycleHost.JsonAsync(await Api.GetAsync("/api/broadcasts/b1"));
        }
        while (broadcast.GetProperty("status").GetString() != "completed" && DateTime.UtcNow < deadline);
        var audience = await Api.GetStringAsync("/api/broadcasts/b1/audience");
        Assert.Equal(["c1"], audience.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("contactId").GetString()));
        Assert.Equal(2, broadcast.GetProperty("manifest").GetProperty("suppressed").GetProperty(AudienceTally.ErasedReason).GetInt64());
    }

    private const int MaxErrors = Segments.Api.Jobs.JobView.MaxErrors;

    private static string Id(int i) => $"c{i:D6}";

    /// <summary>NDJSON of <paramref name="contacts"/> contacts, with a bad line of another kind after every 997th; the bad lines' numbers and paths.</summary>
    private static (string Upload, List<(long Line, string? Path)> Bad) Upload(int contacts)
    {
        string[] kinds = ["{not json", """{"email":"no-id@example.com"}""", """{"id":"x","lists":[1]}""", """{"id":"y","colour":"red"}"""];
        string[] paths = ["$", "$", "$.lists", "$.colour"];
        var text = new StringBuilder();
        var bad = new List<(long, string?)>();
        var line = 0L;
        for (var i = 0; i < contacts; i++)
        {
            var plan = (i % 3) switch { 0 => "Free", 1 => "Pro", _ => "Enterprise" };
            text.Append($$$"""{"id":"{{{Id(i)}}}","email":"contact{{{i}}}@example.com","fields":{"plan":"{{{plan}}}","mrr":{{{i % 1000}}}},"lists":{"news":"subscribed"}}""").Append('\n');
            line++;
            if (i % 997 == 996)
            {
                text.Append(kinds[i / 997 % kinds.Length]).Append('\n');
                bad.Add((++line, paths[i / 997 % kinds.Length]));
            }
        }
        return (text.ToString(), bad);
    }
}

public sealed class EmbeddedLifecycleTests : LifecycleTests
{
    protected override int ImportSize => 100_000;

    protected override Task RegisterAsync(IServiceCollection services) => Task.CompletedTask;
}

/// <summary>Contacts on the Cosmos server, catalog, suppressions, memberships, drips and jobs in Azurite's tables, uploads and audiences in its blobs.</summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class AzureLifecycleTests(EmulatorFixture fixture) : LifecycleTests, IAsyncDisposable
{
    private readonly EmulatorStores _stores = EmulatorStores.On(fixture);

    // The same 100,000 as the embedded store. Each imported contact is one write on the Cosmos server: a page of 500 is
    // read in one ReadMany and tracked in two catalog revision reads (bulk execution's batch format is one the server
    // cannot serve), and the Cosmos SDK's own work for a write is most of the test process's CPU. On 7 December 2026
    // (2 cores, load average 10 to 23 from other builds) the job imported 100,000 in 64.5 to 78 s (1,282 to 1,550
    // contacts/s), its export 15 to 24 s, the test 1 min 43 s; 50,000 took 51 s and the test 63 to 69 s. Before the
    // pages (a point read, a write and two revision reads a contact) 10,000 took 26 to 53 s and 100,000 over 6 minutes.
    protected override int ImportSize => 100_000;

    protected override async Task RegisterAsync(IServiceCollection services)
    {
        var tables = new TableServiceClient(fixture.Emulators.StorageConnectionString);
        TableClient Table(string name) => tables.GetTableClient($"{name}{Guid.NewGuid():N}");
        var blobs = new BlobServiceClient(fixture.Emulators.StorageConnectionString);
        services.AddSingleton<IContactStore>(new CosmosContactStore(await _stores.ContactsContainerAsync()));
        services.AddSingleton<ICatalogStore>(_stores.Catalog());
        services.AddSingleton<ISuppressionStore>(_stores.Suppressions());
        services.AddSingleton<IAudienceSink>(_stores.Sink());
        services.AddSingleton<IJobStore>(new TableJobStore(Table("jobs")));
        services.AddSingleton<IImportSpool>(new BlobImportSpool(blobs.GetBlobContainerClient($"imports-{Guid.NewGuid():N}")));
        services.AddSingleton<IMembershipStore>(new TableMembershipStore(Table("memberships"), Table("due"), TimeProvider.System));
        services.AddSingleton<IConsumerStore>(new TableConsumerStore(Table("consumers")));
        services.AddSingleton<IReportStore>(new TableReportStore(Table("reports")));
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await _stores.DisposeAsync();
}
