using Segments.Core.Model;

namespace Segments.Bench;

/// <summary>
/// Believable synthetic contacts, deterministic for a seed: a year of campaigns (sent, some opened and
/// clicked, engagement fading for part of the population), pricing-page visits, carts and purchases.
/// About 30 events a contact.
/// </summary>
internal sealed class SyntheticContacts(int seed, DateTimeOffset asOf)
{
    private static readonly string[] Plans = ["Free", "Pro", "Enterprise", "Starter"];
    private static readonly string[] Paths = ["/", "/pricing", "/pricing/annual", "/blog/segments", "/features", "/docs"];
    private static readonly string[] Clients = ["Gmail", "Apple Mail", "Outlook", "Yahoo"];
    private static readonly string[] Countries = ["DE", "FR", "US", "GB", "AT", "NL", "ES"];
    private static readonly string[] Campaigns = [.. Enumerable.Range(1, 24).Select(i => $"cmp-{i}")];

    private readonly Random _random = new(seed);
    private long _eventId;

    public ContactProfile Profile(int index)
    {
        var plan = Plans[_random.Next(Plans.Length)];
        return new ContactProfile
        {
            Id = $"c{index:D7}",
            Email = $"contact{index}@example.com",
            CreatedAt = asOf.AddDays(-_random.Next(30, 2000)),
            Fields = new PropertyBag([
                new("mrr", ScalarValue.OfNumber(plan == "Free" ? 0 : _random.Next(20, 3000))),
                new("plan", ScalarValue.OfText(plan)),
            ]),
            Lists = new Dictionary<string, string> { ["newsletter"] = _random.Next(10) == 0 ? "unsubscribed" : "subscribed" },
        };
    }

    public List<ContactEvent> Events(string contactId)
    {
        var events = new List<ContactEvent>(32);
        var engagement = _random.NextDouble();
        var fadesAfter = _random.Next(0, 365);
        var client = new TextBag(Clients[_random.Next(Clients.Length)], _random.Next(2) == 0 ? "mobile" : "desktop", null);
        var geo = new TextBag(Countries[_random.Next(Countries.Length)], null, null);
        // Two campaigns a month for the last year, most recent first.
        for (var c = 0; c < Campaigns.Length - _random.Next(4, 8); c++)
        {
            var sentAt = asOf.AddDays(-7 - 15 * c).AddMinutes(_random.Next(0, 600));
            var campaign = Campaigns[c];
            events.Add(Email(contactId, "sent", sentAt, campaign, null, null));
            var daysAgo = 7 + 15 * c;
            if (_random.NextDouble() < (daysAgo > fadesAfter ? engagement : engagement * 0.2))
            {
                events.Add(Email(contactId, "open", sentAt.AddHours(_random.Next(1, 48)), campaign, client, geo));
                if (_random.Next(4) == 0)
                {
                    events.Add(Email(contactId, "click", sentAt.AddHours(_random.Next(48, 60)), campaign, client, geo));
                }
            }
        }
        for (var v = _random.Next(0, 5); v > 0; v--)
        {
            var at = asOf.AddDays(-_random.Next(0, 120)).AddSeconds(_random.Next(86400));
            events.Add(Pixel(contactId, "page_view", at, "path", Paths[_random.Next(Paths.Length)]));
            if (_random.Next(5) == 0)
            {
                events.Add(Pixel(contactId, "add_to_cart", at.AddMinutes(2), "sku", "PRO-M"));
            }
        }
        if (_random.Next(4) == 0)
        {
            var at = asOf.AddDays(-_random.Next(0, 300));
            events.Add(new ContactEvent
            {
                Id = NextId(),
                ContactId = contactId,
                Kind = EventKind.Conversion,
                Name = "purchase",
                At = at,
                Value = _random.Next(1, 20) * 49.0,
                Currency = "EUR",
            });
        }
        return events;
    }

    private string NextId() => $"e{_eventId++:x}";

    private ContactEvent Email(string contactId, string name, DateTimeOffset at, string campaign, TextBag? device, TextBag? geo) => new()
    {
        Id = NextId(),
        ContactId = contactId,
        Kind = EventKind.Email,
        Name = name,
        At = at,
        CampaignId = campaign,
        Device = device,
        Geo = geo,
    };

    private ContactEvent Pixel(string contactId, string name, DateTimeOffset at, string property, string value) => new()
    {
        Id = NextId(),
        ContactId = contactId,
        Kind = EventKind.Pixel,
        Name = name,
        At = at,
        Properties = new PropertyBag([new(property, ScalarValue.OfText(value))]),
    };
}
