using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Segments.Api.Ingestion;
using Segments.Engine.Input;
using static Segments.Api.Tests.Ingestion.PixelRequests;

namespace Segments.Api.Tests.Ingestion;

public class GifTests
{
    private readonly FakeTimeProvider _time = new(Now);
    private readonly RecordingPublisher _published = new();

    [Fact]
    public async Task A_hit_from_an_allowed_page_is_published_at_its_arrival_with_its_properties()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var response = await host.Client().SendAsync(Hit($"k=pk-tenant-a&v={Visitor}&e=page_view&id=g1&p.path=%2Fpricing&cb=123"));

        await AssertGifAsync(response);
        var published = Assert.Single(_published.Events);
        Assert.Equal(("tenant-a~visitors", Visitor), (published.Tenant, published.ContactId));
        var (e, errors) = InputReader.ReadEvent(JsonDocument.Parse(published.Json).RootElement);
        Assert.Empty(errors);
        Assert.Equal(("g1", "page_view", Now), (e!.Id, e.Name, e.At));
        Assert.Equal([("path", "/pricing")], e.Properties.Items.Select(p => (p.Key, p.Value.Text)));
        Assert.Equal("Chrome", e.Device!.First);
    }

    [Theory]
    [InlineData("https://tenant-a.example/pricing?plan=pro")]
    [InlineData("HTTPS://Tenant-A.example:443/pricing")]
    [InlineData("https://tenant-a.example")]
    public async Task A_referrer_from_an_allowed_origin_is_accepted_however_it_is_written(string referer)
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        await AssertGifAsync(await host.Client().SendAsync(Hit($"k=pk-tenant-a&v={Visitor}", referer)));
        Assert.Single(_published.Events);
    }

    [Fact]
    public async Task Bad_hits_still_get_the_gif_publish_nothing_and_are_counted()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var client = host.Client();
        var forged = Token(_time, "tenant-a", "c42", host.TenantA.TokenSecret)[..^4] + "AAAA";
        string[] bad =
        [
            $"k=wrong&v={Visitor}", $"k=pk-tenant-a&v=short", "k=pk-tenant-a", $"k=pk-tenant-a&t={forged}",
            $"k=pk-tenant-a&v={Visitor}&e=%0A", $"k=pk-tenant-a&v={Visitor}&kind=email", $"k=pk-tenant-a&v={Visitor}&value=12",
        ];
        foreach (var query in bad)
        {
            await AssertGifAsync(await client.SendAsync(Hit(query)));
        }
        await AssertGifAsync(await client.SendAsync(Hit($"k=pk-tenant-a&v={Visitor}", referer: "https://elsewhere.example/page")));

        Assert.Empty(_published.Events);
        Assert.Equal(5, host.Metrics.Refusals(PixelHandlers.GifSource));
        Assert.Equal(3, host.Metrics.Events(PixelHandlers.GifSource, "rejected"));
    }

    [Fact]
    public async Task A_hit_that_is_not_taken_says_why_in_a_header_and_a_taken_one_has_no_such_header()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var client = host.Client();
        var cases = new (string Query, string? Referer, string? Reason)[]
        {
            ($"k=pk-tenant-a&v={Visitor}&e=page_view", null, null),
            ($"k=pk-nobody&v={Visitor}", null, "pixel_key"),
            ($"k=pk-tenant-a&v={Visitor}", "https://elsewhere.example/page", "origin"),
            ($"k=pk-tenant-a&t=not-a-token", null, "token"),
            ("k=pk-tenant-a", null, "identity"),
            ($"k=pk-tenant-a&v={Visitor}&kind=email", null, "event"),
        };
        foreach (var (query, referer, reason) in cases)
        {
            var response = await client.SendAsync(referer is null ? Hit(query) : Hit(query, referer));
            await AssertGifAsync(response);
            Assert.Equal(reason, response.Headers.TryGetValues(PixelHandlers.RefusedHeader, out var values) ? Assert.Single(values) : null);
        }
        Assert.Single(_published.Events);
    }

    [Fact]
    public async Task Ten_thousand_random_query_strings_always_get_the_gif_and_only_valid_hits_are_published()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var client = host.Client();
        var random = new Random(20261126);
        string[] keys = ["k", "v", "t", "e", "id", "kind", "value", "currency", "p.path", "p.", "p.a b", "", "%00", "k[]"];
        string[] values =
        [
            "pk-tenant-a", Visitor, "page_view", "conversion", "pixel", "email", "12.5", "NaN", "1e400", "EUR", "€", "%FF%FE", "%ED%A0%80",
            "%00", "%0A", "%", "%%", "+", "a=b", "&", "x.y", new string('x', 3000), "", "..", "seg_t", "\u0001",
        ];
        var ok = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var query = new StringBuilder();
            var valid = random.Next(4) == 0;
            if (valid)
            {
                query.Append($"k=pk-tenant-a&v={Visitor}&id=r{i}&");
            }
            for (var n = random.Next(6); n > 0; n--)
            {
                var key = keys[random.Next(keys.Length)];
                query.Append(random.Next(10) == 0 ? RandomText(random) : key).Append('=').Append(random.Next(10) == 0
                    ? RandomText(random)
                    : values[random.Next(values.Length)]).Append('&');
            }
            var response = await client.SendAsync(Hit(query.ToString()));
            await AssertGifAsync(response);
            ok += valid ? 1 : 0;
        }

        // Whatever was published is a valid event of tenant A's visitor; about a quarter of the hits started valid.
        var published = _published.Events;
        Assert.InRange(published.Count, ok / 4, ok + 10);
        Assert.All(published, e =>
        {
            Assert.Equal("tenant-a~visitors", e.Tenant);
            var (read, errors) = InputReader.ReadEvent(JsonDocument.Parse(e.Json).RootElement);
            Assert.Empty(errors);
            Assert.Equal(Visitor, read!.ContactId);
        });
        Assert.Equal(0, host.Metrics.Refusals(PixelHandlers.GifSource, "error"));
        Assert.Equal(10_000, published.Count + host.Metrics.Refusals(PixelHandlers.GifSource) + host.Metrics.Events(PixelHandlers.GifSource, "rejected"));
    }

    private static string RandomText(Random random)
    {
        var chars = new char[random.Next(1, 12)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)random.Next(0x21, 0x7F);
        }
        return new string(chars);
    }

    private static async Task AssertGifAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/gif", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Gif.Bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }
}
