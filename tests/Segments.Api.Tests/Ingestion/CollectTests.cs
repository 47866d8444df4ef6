using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Segments.Api.Ingestion;
using Segments.Core.Streaming;
using Segments.Engine.Documents;
using Segments.Engine.Input;
using Segments.Engine.Model;
using Segments.TestSupport.Stores;
using static Segments.Api.Tests.Ingestion.PixelRequests;

namespace Segments.Api.Tests.Ingestion;

public class CollectTests
{
    private readonly FakeTimeProvider _time = new(Now);
    private readonly RecordingPublisher _published = new();

    [Fact]
    public async Task An_anonymous_batch_is_published_under_the_visitor_with_the_device_from_the_request()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var response = await host.Client().SendAsync(Batch(Body(events: [PageView("e1", "/pricing"), Event("e2", "add_to_cart")])));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.All(_published.Events, e => Assert.Equal(("tenant-a~visitors", Visitor), (e.Tenant, e.ContactId)));
        var events = _published.Events.Select(Read).ToList();
        Assert.Equal(["e1", "e2"], events.Select(e => e.Id));
        Assert.All(events, e => Assert.Equal(("Chrome", "desktop", "Windows"), (e.Device!.First, e.Device.Second, e.Device.Third)));
        Assert.All(events, e => Assert.False(e.Bot));
        Assert.Equal("/pricing", events[0].Properties.Get("path").Text);
        Assert.Equal(2, host.Metrics.Events(PixelHandlers.CollectSource, "accepted"));
    }

    [Fact]
    public async Task A_token_writes_for_its_contact_and_joins_the_visitors_history_with_the_same_event_ids()
    {
        var contacts = new InMemoryContactStore();
        var (earlier, _) = InputReader.ReadEvent(JsonDocument.Parse(
            $$$"""{"id":"v1","contactId":"{{{Visitor}}}","kind":"pixel","name":"page_view","at":"2026-11-20T09:30:00.123Z","properties":{"path":"/pricing"}}""").RootElement);
        var visitor = new ContactFolder(new FoldOptions()).Fold(new ContactDocument(Visitor), [earlier!]).Document;
        await contacts.WriteAsync("tenant-a~visitors", visitor, null);
        await using var host = await IngestionHost.StartAsync(_published, contacts, _time);
        var token = Token(_time, "tenant-a", "c42", host.TenantA.TokenSecret);

        var response = await host.Client().SendAsync(Batch(Body(Visitor, token, PageView("e1", "/welcome"))));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.All(_published.Events, e => Assert.Equal(("tenant-a", "c42"), (e.Tenant, e.ContactId)));
        var events = _published.Events.Select(Read).ToList();
        Assert.Equal(["e1", "v1"], events.Select(e => e.Id));
        Assert.Equal(earlier! with { ContactId = "c42" }, events[1]);
        Assert.Equal(1, host.Metrics.Events(PixelHandlers.CollectSource, "accepted"));
    }

    [Fact]
    public async Task A_token_without_a_visitor_writes_for_its_contact_and_joins_nothing()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var token = Token(_time, "tenant-a", "c42", host.TenantA.TokenSecret);
        var response = await host.Client().SendAsync(Batch(Body(null, token, PageView("e1", "/"))));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(("tenant-a", "c42", "e1"), Assert.Single(_published.Events.Select(e => (e.Tenant, e.ContactId, Read(e).Id))));
    }

    [Fact]
    public async Task A_bad_event_is_rejected_with_its_index_and_paths_and_the_others_are_accepted()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var bad = $$$"""{"id":"e2","kind":"pixel","name":"bad\nname","at":"{{{Rfc3339.Format(Now.AddHours(1))}}}","geo":{"country":"US"}}""";
        var response = await host.Client().SendAsync(Batch(Body(events: [PageView("e1", "/"), bad, Event("e3", "signup", kind: "conversion")])));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["$.events[1].geo"], problem.Errors.Select(e => e.Path));
        Assert.Equal(["e1", "e3"], _published.Events.Select(e => Read(e).Id));
        Assert.Equal(2, host.Metrics.Events(PixelHandlers.CollectSource, "accepted"));
        Assert.Equal(1, host.Metrics.Events(PixelHandlers.CollectSource, "rejected"));

        // Once the shape is right, the limits speak: name and far-future time, both at their paths.
        var limits = $$"""{"id":"e4","kind":"pixel","name":"bad\nname","at":"{{Rfc3339.Format(Now.AddHours(1))}}"}""";
        problem = await (await host.Client().SendAsync(Batch(Body(events: [limits])))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["$.events[0].name", "$.events[0].at"], problem.Errors.Select(e => e.Path));
    }

    [Fact]
    public async Task An_event_holding_invalid_utf8_or_an_escaped_lone_surrogate_is_rejected_alone()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        // Three events: a good one, one whose name is invalid UTF-8, one whose name escapes a lone surrogate.
        var head = Body(events: PageView("e0", "/"))[..^2] + ",{\"id\":\"e2\",\"kind\":\"pixel\",\"name\":\"";
        var tail = "\",\"at\":\"2026-11-26T12:00:00Z\"},{\"id\":\"e3\",\"kind\":\"pixel\",\"name\":\"\\ud800\",\"at\":\"2026-11-26T12:00:00Z\"}]}";
        byte[] body = [.. Encoding.UTF8.GetBytes(head), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(tail)];
        var problem = await (await host.Client().SendAsync(Batch(body))).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["$.events[1].name", "$.events[2].name"], problem.Errors.Select(e => e.Path));
        Assert.Equal(["e0"], _published.Events.Select(e => Read(e).Id));
    }

    public static TheoryData<string, string, HttpStatusCode, string> Refusals => new()
    {
        { "wrong pixel key", "key", HttpStatusCode.Forbidden, "pixel_key" },
        { "no pixel key", "nokey", HttpStatusCode.Forbidden, "pixel_key" },
        { "another tenant's origin", "origin", HttpStatusCode.Forbidden, "origin" },
        { "no origin", "noorigin", HttpStatusCode.Forbidden, "origin" },
        { "Origin: null", "nullorigin", HttpStatusCode.Forbidden, "origin" },
        { "forged token", "forged", HttpStatusCode.Forbidden, "token" },
        { "expired token", "expired", HttpStatusCode.Forbidden, "token" },
        { "token of tenant B", "othertenant", HttpStatusCode.Forbidden, "token" },
        { "garbled token", "garbled", HttpStatusCode.Forbidden, "token" },
        { "a correctly signed token whose expiry is no date", "farfuture", HttpStatusCode.Forbidden, "token" },
        { "a correctly signed token whose issue time is no date", "farpast", HttpStatusCode.Forbidden, "token" },
        { "oversize body", "oversize", HttpStatusCode.RequestEntityTooLarge, "body_too_large" },
        { "invalid JSON", "json", HttpStatusCode.BadRequest, "json" },
        { "invalid UTF-8 between values", "utf8", HttpStatusCode.BadRequest, "json" },
        { "invalid UTF-8 in the visitor id", "utf8string", HttpStatusCode.BadRequest, "json" },
        { "nested too deep", "deep", HttpStatusCode.BadRequest, "json" },
        { "unsupported media type", "media", HttpStatusCode.UnsupportedMediaType, "media_type" },
        { "no visitor and no token", "anonymous", HttpStatusCode.BadRequest, "identity" },
        { "malformed visitor id", "visitor", HttpStatusCode.BadRequest, "identity" },
        { "too many events", "many", HttpStatusCode.BadRequest, "batch" },
        { "no events", "empty", HttpStatusCode.BadRequest, "batch" },
        { "a lone surrogate in the visitor id", "surrogate", HttpStatusCode.BadRequest, "json" },
        { "not an object", "array", HttpStatusCode.BadRequest, "batch" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refused_request_answers_a_problem_publishes_nothing_and_is_counted(string why, string kind, HttpStatusCode status, string reason)
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var secret = host.TenantA.TokenSecret;
        var valid = Token(_time, "tenant-a", "c42", secret);
        var view = PageView("e1", "/");
        var request = kind switch
        {
            "key" => Batch(Body(events: view), key: "pk-tenant-x"),
            "nokey" => Batch(Body(events: view), key: null),
            "origin" => Batch(Body(events: view), origin: "https://tenant-b.example"),
            "noorigin" => Batch(Body(events: view), origin: null),
            "nullorigin" => Batch(Body(events: view), origin: "null"),
            "forged" => Batch(Body(Visitor, valid[..^4] + "AAAA", view)),
            "expired" => Batch(Body(Visitor, Token(new FakeTimeProvider(Now.AddDays(-2)), "tenant-a", "c42", secret, TimeSpan.FromDays(1)), view)),
            "othertenant" => Batch(Body(Visitor, Token(_time, "tenant-b", "c42", secret), view)),
            "garbled" => Batch(Body(Visitor, "not-a-token", view)),
            "farfuture" => Batch(Body(Visitor, Signed(secret, "v1|tenant-a|c42|1764158400|99999999999999999"), view)),
            "farpast" => Batch(Body(Visitor, Signed(secret, "v1|tenant-a|c42|-99999999999999999|1864158400"), view)),
            "oversize" => Batch(Body(events: [.. Enumerable.Range(0, 40).Select(i => PageView($"e{i}", "/" + new string('x', 1900)))])),
            "json" => Batch("{\"visitor\":"),
            "utf8" => Batch([.. "{\"visitor\":"u8.ToArray(), 0xC3, 0x28, .. "}"u8.ToArray()]),
            "utf8string" => Batch([.. "{\"visitor\":\""u8.ToArray(), 0xC3, 0x28, .. "\",\"events\":[{}]}"u8.ToArray()]),
            "deep" => Batch(new string('[', 20) + new string(']', 20)),
            "media" => Batch(Body(events: view), contentType: "application/x-www-form-urlencoded"),
            "anonymous" => Batch(Body(null, null, view)),
            "visitor" => Batch(Body("short", null, view)),
            "many" => Batch(Body(events: [.. Enumerable.Range(0, 51).Select(i => Event($"e{i}", "tick"))])),
            "empty" => Batch(Body(events: [])),
            "surrogate" => Batch(Body("\\ud800" + Visitor, null, view)),
            "array" => Batch("[]"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), why),
        };

        var problem = await (await host.Client().SendAsync(request)).ProblemAsync(status);

        Assert.NotEmpty(problem.Errors);
        Assert.Empty(_published.Events);
        Assert.Equal(1, host.Metrics.Refusals(PixelHandlers.CollectSource, reason));
        Assert.Equal(0, host.Metrics.Events(PixelHandlers.CollectSource, "accepted"));
    }

    [Fact]
    public async Task A_batch_the_stream_does_not_take_answers_503_and_counts_nothing_as_accepted()
    {
        _published.Fail = true;
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var response = await host.Client().SendAsync(Batch(Body(events: [PageView("e1", "/"), PageView("e2", "/a")])));
        await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(0, host.Metrics.Events(PixelHandlers.CollectSource, "accepted"));
        Assert.Equal(1, host.Metrics.Refusals(PixelHandlers.CollectSource, "publish"));
    }

    [Fact]
    public async Task Geography_comes_from_the_trusted_edge_header_and_bots_are_flagged()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time, settings: new Dictionary<string, string?>
        {
            ["Segments:Ingestion:GeoHeaders:Country"] = "X-Edge-Country",
            ["Segments:Ingestion:GeoHeaders:City"] = "X-Edge-City",
        });
        var request = Batch(Body(events: PageView("e1", "/")), userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0.0.0 Safari/537.36");
        request.Headers.Add("X-Edge-Country", "de");
        request.Headers.Add("X-Edge-City", "Berlin");
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client().SendAsync(request)).StatusCode);

        var e = Read(Assert.Single(_published.Events));
        Assert.Equal(("DE", null, "Berlin"), (e.Geo!.First, e.Geo.Second, e.Geo.Third));
        Assert.True(e.Bot);
        Assert.DoesNotContain("127.0.0.1", Encoding.UTF8.GetString(_published.Events[0].Json.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_snippet_is_served_as_cacheable_javascript_and_revalidates_by_etag()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var client = host.Client();
        var response = await client.GetAsync("/api/collect.js?k=pk-tenant-a");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("sendBeacon", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var again = new HttpRequestMessage(HttpMethod.Get, "/api/collect.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", response.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }

    private static ContactEvent Read(OutgoingEvent e)
    {
        var (read, errors) = InputReader.ReadEvent(JsonDocument.Parse(e.Json).RootElement);
        Assert.Empty(errors);
        return read!;
    }
}
