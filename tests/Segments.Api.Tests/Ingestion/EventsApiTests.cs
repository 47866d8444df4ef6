using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Segments.Api.Ingestion;
using Segments.Core.Ingestion;
using Segments.Engine.Documents;
using Segments.Engine.Input;
using Segments.Engine.Model;
using Segments.TestSupport.Stores;
using static Segments.Api.Tests.Ingestion.PixelRequests;

namespace Segments.Api.Tests.Ingestion;

public class EventsApiTests
{
    private const string GmailProxy = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";
    private readonly FakeTimeProvider _time = new(Now);
    private readonly RecordingPublisher _published = new();

    [Fact]
    public async Task Events_are_accepted_for_the_keys_tenant_and_bad_ones_rejected_by_index_with_paths()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var body = $$$"""
            [
              {"id":"e1","contactId":"c1","kind":"email","name":"open","at":"2026-11-26T11:00:00Z","campaignId":"cmp-1","userAgent":"{{{GmailProxy}}}","ip":"81.2.69.142"},
              {"id":"e2","contactId":"c1","kind":"email","name":"click","at":"2027-01-01T00:00:00Z"},
              {"id":"e3","contactId":"c2","kind":"email","name":"click","at":"2026-11-26T11:00:00Z","campaignId":"cmp-1","userAgent":"Mimecast Link Scanner"},
              {"id":"e4","kind":"email","name":"open","at":"2026-11-26T11:00:00Z","ip":"not-an-ip"}
            ]
            """;
        var receipt = await (await host.Client(TestTenant.A).PostAsync("/api/events", body)).JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(2, receipt.GetProperty("accepted").GetInt32());
        var rejected = receipt.GetProperty("rejected").EnumerateArray()
            .Select(r => (r.GetProperty("index").GetInt32(), string.Join(",", r.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString())))).ToList();
        Assert.Equal([(1, "$[1].at"), (3, "$[3].ip,$[3]")], rejected);

        Assert.All(_published.Events, e => Assert.Equal("tenant-a", e.Tenant));
        var events = _published.Events.Select(e => InputReader.ReadEvent(JsonDocument.Parse(e.Json).RootElement).Event!).ToList();
        Assert.Equal((false, "Gmail"), (events[0].Bot, events[0].Device!.First));
        Assert.True(events[1].Bot);
        var json = string.Concat(_published.Events.Select(e => Encoding.UTF8.GetString(e.Json.Span)));
        Assert.DoesNotContain("81.2.69.142", json, StringComparison.Ordinal);
        Assert.DoesNotContain("userAgent", json, StringComparison.Ordinal);
        Assert.Equal(2, host.Metrics.Events(EventsHandler.Source, "accepted"));
        Assert.Equal(2, host.Metrics.Events(EventsHandler.Source, "rejected"));
    }

    [Fact]
    public async Task An_event_too_far_behind_its_contact_s_newest_is_rejected_with_the_reason_and_the_others_accepted()
    {
        var contacts = new InMemoryContactStore();
        var (recent, _) = InputReader.ReadEvent(JsonDocument.Parse(
            $$"""{"id":"r1","contactId":"c1","kind":"email","name":"open","at":"{{Rfc3339.Format(Now.AddDays(-1))}}"}""").RootElement);
        var known = new ContactFolder(new FoldOptions()).Fold(new ContactDocument("c1"), [recent!]).Document;
        await contacts.WriteAsync("tenant-a", known, null);
        await using var host = await IngestionHost.StartAsync(_published, contacts, _time);
        string Email(string id, string contact, DateTimeOffset at) =>
            $$"""{"id":"{{id}}","contactId":"{{contact}}","kind":"email","name":"open","at":"{{Rfc3339.Format(at)}}"}""";
        var body = $"[{string.Join(",",
            Email("old", "c1", Now.AddDays(-402)),      // behind c1's stored newest by more than 400 days
            Email("fine", "c1", Now.AddDays(-300)),
            Email("new", "c2", Now.AddDays(-500)),      // c2 is not known: nothing to be behind
            Email("c3-now", "c3", Now),
            Email("c3-old", "c3", Now.AddDays(-401)),   // behind c3's newest in the same request
            Email("ancient", "c4", new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero)))}]";

        var receipt = await (await host.Client(TestTenant.A).PostAsync("/api/events", body)).JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(3, receipt.GetProperty("accepted").GetInt32());
        var rejected = receipt.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("index").GetInt32(),
            r.GetProperty("errors")[0].GetProperty("path").GetString(), r.GetProperty("errors")[0].GetProperty("message").GetString()!)).ToList();
        Assert.Equal([(0, "$[0].at"), (4, "$[4].at"), (5, "$[5].at")], rejected.Select(r => (r.Item1, r.Item2)));
        Assert.Contains("more than 400 days behind the newest event of contact 'c1'", rejected[0].Item3, StringComparison.Ordinal);
        Assert.Contains("before 1970", rejected[2].Item3, StringComparison.Ordinal);
        Assert.Equal(["fine", "new", "c3-now"], _published.Events.Select(e => InputReader.ReadEvent(JsonDocument.Parse(e.Json).RootElement).Event!.Id));
    }

    [Fact]
    public async Task Without_an_api_key_nothing_is_ingested()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var body = """[{"id":"e1","contactId":"c1","kind":"email","name":"open","at":"2026-11-26T11:00:00Z"}]""";
        await (await host.Client().PostAsync("/api/events", body)).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty(_published.Events);
    }

    [Fact]
    public async Task Oversize_invalid_and_unpublishable_batches_are_refused_whole()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time, settings: new Dictionary<string, string?>
        {
            ["Segments:Ingestion:Limits:MaxEventsBodyBytes"] = "2048",
        });
        var client = host.Client(TestTenant.A);
        var one = """{"id":"e1","contactId":"c1","kind":"email","name":"open","at":"2026-11-26T11:00:00Z"}""";
        await (await client.PostAsync("/api/events", "[" + string.Join(",", Enumerable.Repeat(one, 40)) + "]")).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await (await client.PostAsync("/api/events", "[{\"id\":")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await client.PostAsync("/api/events", one)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(_published.Events);

        _published.Fail = true;
        await (await client.PostAsync("/api/events", $"[{one}]")).ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(0, host.Metrics.Events(EventsHandler.Source, "accepted"));
        Assert.Equal(1, host.Metrics.Refusals(EventsHandler.Source, "publish"));
    }

    [Fact]
    public async Task A_token_is_issued_for_the_keys_tenant_and_only_that_tenants_pixel_takes_it()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var issued = await (await host.Client(TestTenant.A).PostAsync("/api/contacts/c%2042/token", """{"expiresIn":"30d"}""")).JsonAsync();
        var token = issued.GetProperty("token").GetString()!;
        Assert.Equal(("c 42", "2026-12-26T12:00:00Z"), (issued.GetProperty("contactId").GetString(), issued.GetProperty("expiresAt").GetString()));
        var tokens = new ContactTokens(_time);
        Assert.Equal("c 42", tokens.Verify(token, "tenant-a", host.TenantA.TokenSecret).Token!.ContactId);

        var pixelOfB = Batch(Body(Visitor, token, PageView("e1", "/")), key: "pk-tenant-b", origin: "https://tenant-b.example");
        await (await host.Client().SendAsync(pixelOfB)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client().SendAsync(Batch(Body(Visitor, token, PageView("e1", "/"))))).StatusCode);
        Assert.Equal(("tenant-a", "c 42"), (_published.Events.Single().Tenant, _published.Events.Single().ContactId));

        var byDefault = await (await host.Client(TestTenant.A).PostAsync("/api/contacts/c1/token", "")).JsonAsync();
        Assert.Equal("2027-02-24T12:00:00Z", byDefault.GetProperty("expiresAt").GetString());
    }

    [Theory]
    [InlineData("/api/contacts/a%7Cb/token", "", "$.id")]
    [InlineData("/api/contacts/c1/token", """{"expiresIn":"400d"}""", "$.expiresIn")]
    [InlineData("/api/contacts/c1/token", """{"expiresIn":"soon"}""", "$.expiresIn")]
    [InlineData("/api/contacts/c1/token", """{"lifetime":"30d"}""", "$")]
    public async Task A_token_request_that_is_not_valid_is_refused_at_its_path(string path, string body, string errorPath)
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        var problem = await (await host.Client(TestTenant.A).PostAsync(path, body)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([errorPath], problem.Errors.Select(e => e.Path));
    }

    [Fact]
    public async Task A_token_without_an_api_key_is_refused()
    {
        await using var host = await IngestionHost.StartAsync(_published, time: _time);
        await (await host.Client().PostAsync("/api/contacts/c1/token", "")).ProblemAsync(HttpStatusCode.Unauthorized);
    }
}
