using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using static Segments.Api.Tests.Ingestion.PixelRequests;

namespace Segments.Api.Tests.Ingestion;

/// <summary><c>GET /api/pixel/recent</c>: what the console's pixel setup shows a site owner installing the snippet.</summary>
public class PixelRecentTests
{
    private readonly FakeTimeProvider _time = new(Now);
    private readonly RecordingPublisher _published = new();

    [Fact]
    public async Task Accepted_and_refused_hits_of_the_tenants_key_are_listed_newest_first_with_the_embed_key()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        await host.Client().SendAsync(Batch(Body(events: [PageView("e1", "/pricing")])));
        await host.Client().SendAsync(Batch(Body(events: [PageView("e2", "/welcome")]), origin: "https://elsewhere.example"));

        var recent = await host.Client(TestTenant.A).GetFromJsonAsync<JsonElement>("/api/pixel/recent");

        Assert.Equal(IngestionHost.PixelKeyA, recent.GetProperty("pixelKey").GetString());
        Assert.Contains(IngestionHost.OriginA, recent.GetProperty("allowedOrigins").EnumerateArray().Select(o => o.GetString()));
        var hits = recent.GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(2, hits.Count);
        Assert.Equal(("refused", "origin", "https://elsewhere.example"),
            (hits[0].GetProperty("outcome").GetString(), hits[0].GetProperty("reason").GetString(), hits[0].GetProperty("origin").GetString()));
        Assert.Equal(("accepted", "page_view", "/pricing", Visitor),
            (hits[1].GetProperty("outcome").GetString(), hits[1].GetProperty("event").GetString(), hits[1].GetProperty("page").GetString(),
             hits[1].GetProperty("visitor").GetString()));
    }

    [Fact]
    public async Task Another_tenant_sees_none_of_them()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        await host.Client().SendAsync(Batch(Body(events: [PageView("e1", "/pricing")])));

        var recent = await host.Client(TestTenant.B).GetFromJsonAsync<JsonElement>("/api/pixel/recent");

        Assert.Empty(recent.GetProperty("hits").EnumerateArray());
    }

    [Fact]
    public async Task The_route_needs_an_api_key()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client().GetAsync("/api/pixel/recent")).StatusCode);
    }
}
