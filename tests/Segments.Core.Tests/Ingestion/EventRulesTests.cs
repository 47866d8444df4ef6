using Microsoft.Extensions.Time.Testing;
using Segments.Core.Ingestion;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Core.Tests.Ingestion;

public class EventRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly EventRules _rules = new(new IngestionLimits(), new FakeTimeProvider(Now));

    private static ContactEvent Event(Func<ContactEvent, ContactEvent>? change = null)
    {
        var e = new ContactEvent
        {
            Id = "0b9c7f4e-2f5d-4a8e-9c1b-3d2e1f0a9b8c",
            ContactId = "c1",
            Kind = EventKind.Pixel,
            Name = "page_view",
            At = Now,
            Properties = new PropertyBag([new("path", ScalarValue.OfText("/pricing"))]),
        };
        return change is null ? e : change(e);
    }

    private List<string> Paths(ContactEvent e, bool fromPixel = false)
    {
        var errors = new List<ValidationError>();
        var ok = _rules.Check(e, "$[0]", fromPixel, errors);
        Assert.Equal(ok, errors.Count == 0);
        return [.. errors.Select(error => error.Path)];
    }

    [Fact]
    public void An_ordinary_event_keeps_every_rule() => Assert.Empty(Paths(Event(), fromPixel: true));

    [Theory]
    [InlineData("id", "has space")]
    [InlineData("id", "line\n")]
    [InlineData("name", "page view!")]
    [InlineData("name", "-leading-dash")]
    [InlineData("contactId", "a|b")]
    [InlineData("contactId", "tab\there")]
    [InlineData("currency", "EURO")]
    [InlineData("campaignId", "bell\u0007")]
    public void A_malformed_value_is_refused_at_its_path(string field, string value)
    {
        var e = field switch
        {
            "id" => Event(x => x with { Id = value }),
            "name" => Event(x => x with { Name = value }),
            "contactId" => Event(x => x with { ContactId = value }),
            "currency" => Event(x => x with { Kind = EventKind.Conversion, Currency = value }),
            _ => Event(x => x with { CampaignId = value }),
        };
        Assert.Equal([$"$[0].{field}"], Paths(e));
    }

    [Fact]
    public void Lengths_and_counts_have_limits()
    {
        var limits = new IngestionLimits();
        Assert.Equal(["$[0].id"], Paths(Event(x => x with { Id = new string('a', limits.MaxIdLength + 1) })));
        Assert.Empty(Paths(Event(x => x with { Id = new string('a', limits.MaxIdLength) })));
        Assert.Equal(["$[0].name"], Paths(Event(x => x with { Name = new string('a', limits.MaxNameLength + 1) })));
        Assert.Equal(["$[0].contactId"], Paths(Event(x => x with { ContactId = new string('c', EventRules.MaxContactIdLength + 1) })));
        Assert.Equal(["$[0].properties.path"], Paths(Event(x => x with
        {
            Properties = new PropertyBag([new("path", ScalarValue.OfText(new string('p', limits.MaxTextLength + 1)))]),
        })));
        var many = Enumerable.Range(0, limits.MaxProperties + 1).Select(i => KeyValuePair.Create($"k{i:D3}", ScalarValue.OfNumber(i))).ToArray();
        Assert.Equal(["$[0].properties"], Paths(Event(x => x with { Properties = new PropertyBag(many) })));
        Assert.Equal(["$[0].properties.bad key!"], Paths(Event(x => x with
        {
            Properties = new PropertyBag([new("bad key!", ScalarValue.OfBoolean(true))]),
        })));
        Assert.Equal(["$[0].geo.city"], Paths(Event(x => x with { Geo = new TextBag("DE", null, new string('b', EventRules.MaxContextLength + 1)) })));
    }

    [Fact]
    public void Text_with_a_lone_surrogate_is_refused_and_a_pair_is_not()
    {
        Assert.Equal(["$[0].properties.path"], Paths(Event(x => x with { Properties = new PropertyBag([new("path", ScalarValue.OfText("/a\ud800"))]) })));
        Assert.Empty(Paths(Event(x => x with { Properties = new PropertyBag([new("path", ScalarValue.OfText("/😀"))]) })));
    }

    [Fact]
    public void Far_future_times_are_refused_and_old_ones_only_from_the_pixel()
    {
        var limits = new IngestionLimits();
        Assert.Empty(Paths(Event(x => x with { At = Now + limits.MaxFutureSkew })));
        Assert.Equal(["$[0].at"], Paths(Event(x => x with { At = Now + limits.MaxFutureSkew + TimeSpan.FromSeconds(1) })));
        var old = Event(x => x with { At = Now - limits.MaxPixelEventAge - TimeSpan.FromSeconds(1) });
        Assert.Equal(["$[0].at"], Paths(old, fromPixel: true));
        Assert.Empty(Paths(old, fromPixel: false));
    }
}
