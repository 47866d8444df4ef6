using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segments.Api;
using Segments.Api.Broadcasts;
using Segments.Core.Ports;
using Segments.Embedded.Audiences;
using Segments.Embedded.Broadcasts;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Model;
using Segments.Engine.PushDown;
using Segments.TestSupport.Stores;

namespace Segments.Orchestration.Tests;

/// <summary>The broadcast routes over the in-process Durable host and in-memory stores, with a local-folder audience sink.</summary>
public sealed class BroadcastsApiTests : IAsyncLifetime
{
    private const string KeyA = "a-key-4f1c9e0b7d2a6e3f8c5b1d9a";
    private const string KeyB = "b-key-9d3e7a1f5c0b8e2d6a4f9c1e";

    private readonly TenantData _data = TenantData.Seed();
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-broadcasts-").FullName;
    private readonly PausableContactStore _contacts = new(new InMemoryContactStore(4));
    private ResolutionHost _durable = null!;
    private WebApplication _app = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        var (contacts, suppressions, catalog) = (_contacts, new InMemorySuppressionStore(), new InMemoryCatalogStore());
        await _data.SaveAsync(catalog, contacts, suppressions);
        var sink = new FolderAudienceSink(_folder);
        var broadcasts = new SqliteBroadcastStore($"Data Source={Path.Combine(_folder, "broadcasts.db")};Pooling=False");
        _durable = await ResolutionHost.StartAsync(contacts, suppressions, catalog, sink, broadcasts);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(Tenant(0, TenantData.Tenant, KeyA).Concat(Tenant(1, "tenant-b", KeyB)));
        builder.Services.AddSingleton<ICatalogStore>(catalog).AddSingleton<IContactStore>(contacts).AddSingleton<ISuppressionStore>(suppressions)
            .AddSingleton<IAudienceSink>(sink).AddSingleton<IBroadcastStore>(broadcasts)
            .AddSingleton<IBroadcastScheduler>(new DurableBroadcastScheduler(_durable.Client));
        builder.Services.AddSegmentsApi(builder.Configuration).AddBroadcastsApi();
        _app = builder.Build();
        _app.MapSegmentsApi();
        _app.MapBroadcastsApi();
        await _app.StartAsync();
        _address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _durable.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_scheduled_broadcast_reports_progress_then_its_manifest_and_streams_its_audience()
    {
        using var a = Client(KeyA);
        var scheduled = await a.PostAsJsonAsync("/api/broadcasts",
            new { id = "nov-newsletter", segment = "re-permission", list = "newsletter", asOf = "2026-11-26T12:00:00Z" });
        Assert.Equal(HttpStatusCode.Accepted, scheduled.StatusCode);
        Assert.Equal("/api/broadcasts/nov-newsletter", scheduled.Headers.Location?.ToString());

        var view = await WaitForAsync(a, "nov-newsletter", "completed");
        var audience = await a.GetAsync("/api/broadcasts/nov-newsletter/audience");

        var manifest = view.GetProperty("manifest");
        var offline = _data.Offline("re-permission", "newsletter", _data.AsOf);
        Assert.Equal((offline.Tally.Matched, offline.Tally.Audience), (manifest.GetProperty("matched").GetInt64(), manifest.GetProperty("audience").GetInt64()));
        Assert.Equal(ResolutionProgress.Done, view.GetProperty("progress").GetProperty("phase").GetString());
        Assert.Equal("2026-11-26T12:00:00Z", view.GetProperty("asOf").GetString());
        Assert.Equal("application/x-ndjson", audience.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Audiences.Offline(offline), await audience.Content.ReadAsByteArrayAsync());

        // What a restart of segments serve leaves: the Durable state gone, the manifest kept. The view reads the same.
        await _durable.Client.PurgeInstanceAsync(BroadcastInstance.Id(TenantData.Tenant, "nov-newsletter"));
        var fromManifest = await a.GetFromJsonAsync<JsonElement>("/api/broadcasts/nov-newsletter");
        Assert.Equal(view.EnumerateObject().Select(p => p.Name), fromManifest.EnumerateObject().Select(p => p.Name));
        foreach (var name in new[] { "id", "segment", "list", "sendAt", "asOf", "status", "progress", "error" })
        {
            Assert.Equal(view.GetProperty(name).GetRawText(), fromManifest.GetProperty(name).GetRawText());
        }
    }

    [Fact]
    public async Task Another_tenant_sees_no_broadcast_and_bad_or_repeated_requests_are_refused()
    {
        using var a = Client(KeyA);
        using var b = Client(KeyB);
        Assert.Equal(HttpStatusCode.Accepted, (await a.PostAsJsonAsync("/api/broadcasts", new { id = "vip-1", segment = "vip" })).StatusCode);

        var repeated = await a.PostAsJsonAsync("/api/broadcasts", new { id = "vip-1", segment = "vip" });
        var invalid = await a.PostAsJsonAsync("/api/broadcasts", new { id = "Bad Id", segment = "nope", sendAt = "tomorrow" });
        var unknown = await a.PostAsJsonAsync("/api/broadcasts", new { id = "vip-2", segment = "nope" });

        Assert.Equal(HttpStatusCode.Conflict, repeated.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var paths = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString());
        Assert.Equal(["$.id", "$.sendAt"], paths.Order());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/api/broadcasts/vip-1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/api/broadcasts/vip-1/audience")).StatusCode);
        // An id that cannot be a broadcast's is not found, whatever the route (it was a 500 on the audience).
        foreach (var path in new[] { "UPPER", "UPPER/audience", "a%7Cb/audience", $"{new string('x', 300)}/audience" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync($"/api/broadcasts/{path}")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(null).GetAsync("/api/broadcasts/vip-1")).StatusCode);
    }

    [Fact]
    public async Task A_broadcast_for_later_is_listed_rescheduled_and_canceled_and_then_never_resolves()
    {
        using var a = Client(KeyA);
        using var b = Client(KeyB);
        var later = DateTimeOffset.UtcNow.AddHours(1);
        var laterText = Rfc3339.Format(later);
        Assert.Equal(HttpStatusCode.Accepted, (await a.PostAsJsonAsync("/api/broadcasts", new { id = "first", segment = "vip" })).StatusCode);
        await WaitForAsync(a, "first", "completed");
        Assert.Equal(HttpStatusCode.Accepted, (await a.PostAsJsonAsync("/api/broadcasts", new { id = "later", segment = "vip", sendAt = laterText })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await a.PostAsJsonAsync("/api/broadcasts", new { id = "soon", segment = "vip", sendAt = laterText })).StatusCode);

        var all = await a.GetFromJsonAsync<JsonElement>("/api/broadcasts");
        var scheduled = await a.GetFromJsonAsync<JsonElement>("/api/broadcasts?status=scheduled");
        var first = await a.GetFromJsonAsync<JsonElement>("/api/broadcasts?limit=2");
        var rest = await a.GetFromJsonAsync<JsonElement>($"/api/broadcasts?limit=2&cursor={first.GetProperty("cursor").GetString()}");
        Assert.Equal(["soon", "later", "first"], Ids(all));
        Assert.Equal(JsonValueKind.Null, all.GetProperty("cursor").ValueKind);
        Assert.Equal(["soon", "later"], Ids(scheduled));
        Assert.Equal(["soon", "later", "first"], Ids(first).Concat(Ids(rest)));
        Assert.Empty(Ids(await b.GetFromJsonAsync<JsonElement>("/api/broadcasts")));
        Assert.Equal(HttpStatusCode.BadRequest, (await a.GetAsync("/api/broadcasts?status=sent")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await a.GetAsync("/api/broadcasts?cursor=nonsense")).StatusCode);

        // Moved to a time already passed, "soon" fires at once; "later" moves on and stays scheduled.
        var moved = await a.PatchAsJsonAsync("/api/broadcasts/later", new { sendAt = Rfc3339.Format(later.AddHours(1)) });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal("scheduled", (await moved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await a.PatchAsJsonAsync("/api/broadcasts/soon", new { sendAt = Rfc3339.Format(DateTimeOffset.UtcNow.AddMinutes(-1)) })).StatusCode);
        await WaitForAsync(a, "soon", "completed");
        var badPatch = await a.PatchAsJsonAsync("/api/broadcasts/later", new { sendAt = "tomorrow", segment = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, badPatch.StatusCode);
        Assert.Equal(["$.segment", "$.sendAt"], (await badPatch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .Select(e => e.GetProperty("path").GetString()).Order());
        Assert.Equal(HttpStatusCode.Conflict, (await a.PatchAsJsonAsync("/api/broadcasts/first", new { sendAt = laterText })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PatchAsJsonAsync("/api/broadcasts/later", new { sendAt = laterText })).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await b.PostAsync("/api/broadcasts/later/cancel", null)).StatusCode);
        var canceled = await a.PostAsync("/api/broadcasts/later/cancel", null);
        Assert.Equal(HttpStatusCode.OK, canceled.StatusCode);
        Assert.Equal("canceled", (await canceled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/api/broadcasts/later/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await a.PostAsync("/api/broadcasts/first/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await a.PatchAsJsonAsync("/api/broadcasts/later", new { sendAt = laterText })).StatusCode);

        // The signal woke the waiting resolution, which ended without resolving anything.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var instance = await _durable.Client.WaitForInstanceCompletionAsync(BroadcastInstance.Id(TenantData.Tenant, "later"), true, timeout.Token);
        Assert.Equal("null", instance.SerializedOutput ?? "null");
        Assert.Equal("canceled", (await a.GetFromJsonAsync<JsonElement>("/api/broadcasts/later")).GetProperty("status").GetString());
        Assert.False(Directory.Exists(Path.Combine(_folder, TenantData.Tenant, "later")), "a canceled broadcast has no audience");
        Assert.Equal(["later"], Ids(await a.GetFromJsonAsync<JsonElement>("/api/broadcasts?status=canceled")));
    }

    [Fact]
    public async Task A_running_broadcast_canceled_stops_and_leaves_no_audience_at_all()
    {
        using var a = Client(KeyA);
        var paused = _contacts.Pause();
        Assert.Equal(HttpStatusCode.Accepted, (await a.PostAsJsonAsync("/api/broadcasts", new { id = "stopped", segment = "customers" })).StatusCode);
        await paused.Entered.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("running", (await a.GetFromJsonAsync<JsonElement>("/api/broadcasts/stopped")).GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/api/broadcasts/stopped/cancel", null)).StatusCode);
        paused.Release();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _durable.Client.WaitForInstanceCompletionAsync(BroadcastInstance.Id(TenantData.Tenant, "stopped"), true, timeout.Token);
        Assert.Equal("canceled", (await a.GetFromJsonAsync<JsonElement>("/api/broadcasts/stopped")).GetProperty("status").GetString());
        var folder = Path.Combine(_folder, TenantData.Tenant, "stopped");
        Assert.True(!Directory.Exists(folder) || Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Length == 0,
            "no part and no manifest of a canceled broadcast stays");
        Assert.NotEqual(HttpStatusCode.OK, (await a.GetAsync("/api/broadcasts/stopped/audience")).StatusCode);
    }

    [Fact]
    public async Task Members_of_excluded_segments_are_left_out_and_counted_as_excluded()
    {
        using var a = Client(KeyA);
        var set = new SegmentSet(_data.Data.Definitions);
        string[] exclude = ["recent-buyers", "vip"];
        var excludedIds = exclude.SelectMany(e => set[e].Members(_data.Data.Contacts, _data.AsOf)).ToHashSet(StringComparer.Ordinal);
        var members = set["customers"].Members(_data.Data.Contacts, _data.AsOf);
        var offline = _data.Offline("customers", null, _data.AsOf);
        var expectedAudience = offline.Recipients.Where(r => !excludedIds.Contains(r.ContactId)).Select(r => r.ContactId).ToList();
        Assert.True(members.Count(excludedIds.Contains) > 0, "the seed's customers include some recent buyers or VIPs");

        var unknown = await a.PostAsJsonAsync("/api/broadcasts", new { id = "bad-exclude", segment = "customers", exclude = new[] { "vip", "nope", "vip" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(["$.exclude[2]"], (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .Select(e => e.GetProperty("path").GetString()));
        var missing = await a.PostAsJsonAsync("/api/broadcasts", new { id = "bad-exclude", segment = "customers", exclude = new[] { "nope" } });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await a.PostAsJsonAsync("/api/broadcasts",
            new { id = "no-buyers", segment = "customers", asOf = "2026-11-26T12:00:00Z", exclude })).StatusCode);

        var view = await WaitForAsync(a, "no-buyers", "completed");
        var manifest = view.GetProperty("manifest");
        var audience = (await a.GetStringAsync("/api/broadcasts/no-buyers/audience")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("contactId").GetString()!).ToList();
        Assert.Equal(exclude, view.GetProperty("exclude").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(members.Count, manifest.GetProperty("matched").GetInt64());
        Assert.Equal(members.Count(excludedIds.Contains), manifest.GetProperty("excluded").GetInt64());
        Assert.Equal(expectedAudience, audience);
    }

    private static IEnumerable<string?> Ids(JsonElement page) => page.GetProperty("broadcasts").EnumerateArray().Select(b => b.GetProperty("id").GetString());

    private HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = _address };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string id, string status)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var view = await client.GetFromJsonAsync<JsonElement>($"/api/broadcasts/{id}");
            if (view.GetProperty("status").GetString() == status)
            {
                return view;
            }
            Assert.True(DateTime.UtcNow < deadline, $"broadcast {id} is not {status} after a minute: {view}");
            await Task.Delay(100);
        }
    }

    private static Dictionary<string, string?> Tenant(int i, string id, string key) => new()
    {
        [$"Segments:Tenants:{i}:Id"] = id,
        [$"Segments:Tenants:{i}:ApiKey"] = key,
        [$"Segments:Tenants:{i}:PixelKey"] = $"pk-{id}",
        [$"Segments:Tenants:{i}:TokenSecret"] = Convert.ToBase64String(Enumerable.Repeat((byte)(i + 1), 32).ToArray()),
        [$"Segments:Tenants:{i}:AllowedOrigins:0"] = $"https://{id}.example",
    };
}

/// <summary>A contact store whose scans can be held at their start, to act while a resolution runs.</summary>
public sealed class PausableContactStore(IContactStore inner) : DelegatingContactStore(inner)
{
    private volatile Pause? _pause;

    public Pause Pause() => _pause = new Pause();

    public override async IAsyncEnumerable<ContactDocument> ScanAsync(string tenant, string partition, PushDownCondition? pushDown = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_pause is { } pause)
        {
            await pause.HoldAsync();
        }
        await foreach (var contact in Inner.ScanAsync(tenant, partition, pushDown, cancellationToken))
        {
            yield return contact;
        }
    }
}

public sealed class Pause
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Done once a scan is held.</summary>
    public Task Entered => _entered.Task;

    public void Release() => _released.TrySetResult();

    public Task HoldAsync()
    {
        _entered.TrySetResult();
        return _released.Task;
    }
}
