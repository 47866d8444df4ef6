using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
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
using Segments.Core.Audience;
using Segments.Core.Broadcasts;
using Segments.Core.Catalog;
using Segments.Core.Ports;
using Segments.Core.Suppressions;
using Segments.Embedded.Audiences;
using Segments.Embedded.Broadcasts;

namespace Segments.Orchestration.Tests;

/// <summary>The broadcast routes over the in-process Durable host and in-memory stores, with a local-folder audience sink.</summary>
public sealed class BroadcastsApiTests : IAsyncLifetime
{
    private const string KeyA = "a-key-4f1c9e0b7d2a6e3f8c5b1d9a";
    private const string KeyB = "b-key-9d3e7a1f5c0b8e2d6a4f9c1e";

    private readonly TenantData _data = TenantData.Seed();
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-broadcasts-").FullName;
    private ResolutionHost _durable = null!;
    private WebApplication _app = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        var (contacts, suppressions, catalog) = (new InMemoryContactStore(4), new InMemorySuppressionStore(), new InMemoryCatalogStore());
        await _data.SaveAsync(catalog, contacts, suppressions);
        var sink = new FolderAudienceSink(_folder);
        var broadcasts = new SqliteBroadcastStore($"Data Source={Path.Combine(_folder, "broadcasts.db")};Pooling=False");
        _durable = await ResolutionHost.StartAsync(contacts, suppressions, catalog, sink, broadcasts);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(Tenant(0, TenantData.Tenant, KeyA).Concat(Tenant(1, "tenant-b", KeyB)));
        builder.Services.AddSingleton<ICatalogStore>(catalog).AddSingleton<IContactStore>(contacts).AddSingleton<ISuppressionStore>(suppressions)
            .AddSingleton<IAudienceSink>(sink).AddSingleton<IBroadcastStore>(broadcasts).AddSingleton(_durable.Client);
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
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            var view = await client.GetFromJsonAsync<JsonElement>($"/api/broadcasts/{id}", timeout.Token);
            if (view.GetProperty("status").GetString() == status)
            {
                return view;
            }
            await Task.Delay(100, timeout.Token);
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
