using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Segments.Api.Ingestion;
using Segments.Engine.Input;
using Segments.Engine.Model;
using static Segments.Api.Tests.Ingestion.PixelRequests;

namespace Segments.Api.Tests.Ingestion;

/// <summary>Ingestion of the language's version 2 data: nested properties, subscribe events, machine opens.</summary>
public class VersionTwoIngestionTests
{
    private const string AppleMailApp = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";
    private const string TooDeep =
        """{"id":"e8","contactId":"c1","kind":"pixel","name":"deep","at":"2026-11-26T11:00:00Z","properties":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}}""";

    private readonly FakeTimeProvider _time = new(Now);
    private readonly RecordingPublisher _published = new();

    private List<ContactEvent> Published() =>
        [.. _published.Events.Select(e => InputReader.ReadEvent(JsonDocument.Parse(e.Json).RootElement).Event!)];

    [Fact]
    public async Task Events_carry_nested_properties_and_subscribes_and_apple_proxy_opens_are_marked_machine()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var body = $$$$"""
            [
              {"id":"e1","contactId":"c1","kind":"pixel","name":"add_to_cart","at":"2026-11-26T11:00:00Z","properties":{"cart":{"total":150,"items":[{"sku":"SKI-1","tags":["new"]}]}}},
              {"id":"e2","contactId":"c1","kind":"email","name":"subscribe","at":"2026-11-26T11:00:00Z","properties":{"listId":"news"}},
              {"id":"e3","contactId":"c1","kind":"email","name":"open","at":"2026-11-26T11:00:00Z","campaignId":"k","userAgent":"Mozilla/5.0","ip":"17.58.100.1"},
              {"id":"e4","contactId":"c1","kind":"email","name":"open","at":"2026-11-26T11:00:00Z","campaignId":"k","userAgent":"{{{{AppleMailApp}}}}","ip":"::ffff:17.0.0.9"},
              {"id":"e5","contactId":"c1","kind":"email","name":"open","at":"2026-11-26T11:00:00Z","campaignId":"k","userAgent":"{{{{AppleMailApp}}}}","ip":"81.2.69.142"},
              {"id":"e6","contactId":"c1","kind":"email","name":"open","at":"2026-11-26T11:00:00Z","campaignId":"k","userAgent":"Mimecast Security Scanner"},
              {"id":"e7","contactId":"c1","kind":"email","name":"open","at":"2026-11-26T11:00:00Z","campaignId":"k","ip":"17.1.1.1","properties":{"machine":false}},
              {{{{TooDeep}}}}
            ]
            """;
        var receipt = await (await host.Client(TestTenant.A).PostAsync("/api/events", body)).JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(7, receipt.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(receipt.GetProperty("rejected").EnumerateArray());
        Assert.Equal("$[7].properties.a.b.c.d.e.f.g.h", rejected.GetProperty("errors")[0].GetProperty("path").GetString());
        var events = Published().ToDictionary(e => e.Id);
        Assert.Equal(150, events["e1"].Properties.Get("cart").Record!.Get("total").Number);
        Assert.Equal("SKI-1", events["e1"].Properties.Get("cart").Record!.Get("items").List!.Items[0].Record!.Get("sku").Text);
        Assert.Equal("news", events["e2"].Properties.Get("listId").Text);
        bool? Machine(string id) => events[id].Properties.Get("machine") is { Kind: ValueKind.Boolean } m ? m.Boolean : null;
        Assert.Equal([true, true, null, true, false], new[] { "e3", "e4", "e5", "e6", "e7" }.Select(Machine));
        Assert.False(events["e6"].Bot); // A scanner's open is a machine open, which a segment may count; its clicks stay a bot's.
    }

    [Fact]
    public async Task A_gif_hit_names_nested_properties_and_a_conflicting_name_is_refused()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var client = host.Client();
        await client.SendAsync(Hit($"k=pk-tenant-a&v={Visitor}&e=add_to_cart&id=g1&p.items%5B1%5D.sku=SKI-2&p.items%5B0%5D.sku=SKI-1&p.product.name=Ski&p.path=%2Fcart"));
        await client.SendAsync(Hit($"k=pk-tenant-a&v={Visitor}&e=add_to_cart&id=g2&p.items=x&p.items%5B0%5D.sku=SKI-1"));

        var e = Assert.Single(Published());
        Assert.Equal("g1", e.Id);
        Assert.Equal(["SKI-1", "SKI-2"], e.Properties.Get("items").List!.Items.Select(i => i.Record!.Get("sku").Text));
        Assert.Equal("Ski", e.Properties.Get("product").Record!.Get("name").Text);
        Assert.Equal("/cart", e.Properties.Get("path").Text);
        Assert.Equal(1, host.Metrics.Events(PixelHandlers.GifSource, "rejected"));
    }
}
