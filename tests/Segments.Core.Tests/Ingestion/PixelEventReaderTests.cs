using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Segments.Core.Ingestion;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Core.Tests.Ingestion;

public class PixelEventReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly PixelHit Hit = new("visitor-0123456789", new TextBag("Chrome", "desktop", "Linux"), new TextBag("DE", null, null), false);
    private readonly PixelEventReader _reader;

    public PixelEventReaderTests()
    {
        var time = new FakeTimeProvider(Now);
        _reader = new PixelEventReader(new EventRules(new IngestionLimits(), time), time);
    }

    private (ContactEvent? Event, List<ValidationError> Errors) Read(string json)
    {
        var errors = new List<ValidationError>();
        return (_reader.ReadEvent(JsonDocument.Parse(json).RootElement, "$.events[2]", Hit, errors), errors);
    }

    [Fact]
    public void A_pixel_event_takes_contact_device_geo_and_bot_from_the_hit()
    {
        var (e, errors) = Read("""{"id":"e1","kind":"conversion","name":"purchase","at":"2026-11-26T11:59:59.123Z","value":49.5,"currency":"EUR","properties":{"b":1,"a":"x","c":null}}""");
        Assert.Empty(errors);
        Assert.Equal(("visitor-0123456789", EventKind.Conversion, 49.5, "EUR"), (e!.ContactId, e.Kind, e.Value, e.Currency));
        Assert.Equal(Now.AddMilliseconds(-877), e.At);
        Assert.Equal(Hit.Device, e.Device);
        Assert.Equal(Hit.Geo, e.Geo);
        Assert.Equal(["a", "b", "c"], e.Properties.Items.Select(p => p.Key));
    }

    [Fact]
    public void Properties_are_sorted_by_name_and_the_last_of_a_repeated_name_wins()
    {
        var (e, errors) = Read("""{"id":"e1","kind":"pixel","name":"v","at":"2026-11-26T12:00:00Z","properties":{"z":1,"a":"x","m":true,"a":"y"}}""");
        Assert.Empty(errors);
        Assert.Equal(["a=y", "m=True", "z=1"], e!.Properties.Items.Select(p => $"{p.Key}={p.Value.Text ?? (p.Value.Kind == ValueKind.Boolean ? p.Value.Boolean.ToString() : p.Value.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))}"));
    }

    [Fact]
    public void Too_many_properties_are_refused_before_they_are_sorted()
    {
        var many = string.Join(",", Enumerable.Range(0, 5000).Select(i => $"\"k{i}\":{i}"));
        var (e, errors) = Read("""{"id":"e1","kind":"pixel","name":"v","at":"2026-11-26T12:00:00Z","properties":{""" + many + "}}");
        Assert.Null(e);
        Assert.Equal(["$.events[2].properties"], errors.Select(error => error.Path));
    }

    [Theory]
    [InlineData("""{"id":"e1","kind":"pixel","name":"v","at":"2026-11-26T12:00:00Z","contactId":"someone-else"}""", "$.events[2].contactId")]
    [InlineData("""{"id":"e1","kind":"pixel","name":"v","at":"2026-11-26T12:00:00Z","geo":{"country":"US"}}""", "$.events[2].geo")]
    [InlineData("""{"id":"e1","kind":"pixel","name":"v","at":"2026-11-26T12:00:00Z","device":{"client":"x"}}""", "$.events[2].device")]
    [InlineData("""{"id":"e1","kind":"pixel","name":"v","at":"2026-11-26T12:00:00Z","bot":false}""", "$.events[2].bot")]
    [InlineData("""{"id":"e1","kind":"pixel","name":"v","at":"2026-11-26T12:00:00Z","campaignId":"cmp-1"}""", "$.events[2].campaignId")]
    [InlineData("""{"id":"e1","kind":"email","name":"open","at":"2026-11-26T12:00:00Z"}""", "$.events[2].kind")]
    [InlineData("""{"id":"e1","kind":"pixel","name":"v","at":"2026-11-26"}""", "$.events[2].at")]
    [InlineData("""{"id":"e1","kind":"pixel","name":"v","at":"2026-11-26T12:00:00Z","value":3}""", "$.events[2].value")]
    [InlineData("""{"id":"e1","kind":"pixel","name":"v","at":"2026-11-26T12:00:00Z","properties":{"o":{"a":[[{"b":[{"c":{"d":[]}}]}]]}}}""", "$.events[2].properties.o.a[0][0].b[0].c.d")]
    [InlineData("""{"id":"e1","kind":"pixel","name":"v","at":"2027-01-01T00:00:00Z"}""", "$.events[2].at")]
    [InlineData("""{"kind":"pixel","name":"v","at":"2026-11-26T12:00:00Z"}""", "$.events[2]")]
    [InlineData("""[1]""", "$.events[2]")]
    public void What_the_browser_may_not_say_or_says_wrong_is_an_error_at_its_path(string json, string path)
    {
        var (e, errors) = Read(json);
        Assert.Null(e);
        Assert.Equal([path], errors.Select(error => error.Path));
    }

    [Fact]
    public void A_batch_names_its_visitor_or_token_and_holds_a_bounded_list_of_events()
    {
        var errors = new List<ValidationError>();
        var batch = _reader.ReadBatch(JsonDocument.Parse("""{"visitor":"v-0123456789abcdef","token":"t.s","events":[{}]}""").RootElement, errors);
        Assert.Empty(errors);
        Assert.Equal(("v-0123456789abcdef", "t.s", 1), (batch!.Visitor, batch.Token, batch.Events.GetArrayLength()));

        var tooMany = "{\"events\":[" + string.Join(",", Enumerable.Repeat("{}", new IngestionLimits().MaxCollectEvents + 1)) + "]}";
        Assert.Null(_reader.ReadBatch(JsonDocument.Parse(tooMany).RootElement, errors));
        Assert.Null(_reader.ReadBatch(JsonDocument.Parse("""{"visitor":1,"events":[],"extra":true}""").RootElement, errors));
        Assert.Equal(["$.events", "$.extra", "$.visitor", "$.events"], errors.Select(e => e.Path));
    }

    [Fact]
    public void A_gif_hit_is_read_from_its_query_at_the_time_of_arrival()
    {
        var errors = new List<ValidationError>();
        KeyValuePair<string, string>[] query = [new("k", "key"), new("e", "signup"), new("kind", "conversion"), new("value", "12.5"),
            new("currency", "USD"), new("p.plan", "pro"), new("cb", "93847"), new("id", "g-1")];
        var e = _reader.ReadQuery(query, Hit, errors);
        Assert.Empty(errors);
        Assert.Equal(("g-1", "signup", EventKind.Conversion, 12.5, Now), (e!.Id, e.Name, e.Kind, e.Value, e.At));
        Assert.Equal([("plan", "pro")], e.Properties.Items.Select(p => (p.Key, p.Value.Text)));

        var defaults = _reader.ReadQuery([new("k", "key")], Hit, errors);
        Assert.Equal(("page_view", EventKind.Pixel, 32), (defaults!.Name, defaults.Kind, defaults.Id.Length));

        Assert.Null(_reader.ReadQuery([new("value", "lots")], Hit, errors));
        Assert.Null(_reader.ReadQuery([new("e", "bad\u0000name")], Hit, errors));
        Assert.Equal(["$.value", "$.name"], errors.Select(error => error.Path));
    }
}
