using Segments.Engine.Model;

namespace Segments.Engine.Synthetic;

/// <summary>
/// A believable synthetic tenant, deterministic for a seed: two campaigns a month for a year (sent to
/// everyone subscribed, opened and clicked with engagement that fades for part of the population), pricing
/// page funnels (views, carts, purchases with values, attributed to clicks or not), hard and soft bounces,
/// complaints, global and list unsubscribes, several countries, email clients and devices. About 27 events a
/// contact. Used by <c>segments demo</c> and the benchmarks.
/// <para>
/// Version 2 data comes from a second random source, so that everything above stays as it was for a seed: interests
/// (a tags field), carts with nested items and a total, Apple Mail Privacy Protection (three in four Apple Mail readers
/// have it on: their mail's images are fetched by Apple's proxy shortly after each send, a machine open whether or not
/// they read it), and now and then a re-subscription to the newsletter after leaving it.
/// </para>
/// </summary>
public sealed class SyntheticTenant(int seed, DateTimeOffset asOf)
{
    /// <summary>The fields the generated profiles carry (those of the seed example's segments).</summary>
    public static readonly FieldSchema Schema = new(new Dictionary<string, FieldType>
    {
        ["plan"] = FieldType.Text,
        ["mrr"] = FieldType.Number,
        ["trial_ends"] = FieldType.Date,
        ["vip"] = FieldType.Boolean,
        ["company"] = FieldType.Text,
        ["interests"] = FieldType.Tags,
    });

    private static readonly string[] Interests = ["ski", "golf", "running", "sailing", "cooking", "travel"];
    private static readonly (string Sku, double Price)[] Products = [("SKI-1", 49), ("SKI-PRO", 89), ("BOOT-2", 39), ("PRO-M", 29)];

    private static readonly string[] Plans = ["Free", "Free", "Starter", "Pro", "Pro", "Enterprise"];
    private static readonly string[] Companies = ["Acme GmbH", "Globex", "Initech", "Umbrella", "Hooli", "Stark"];
    private static readonly string[] Paths = ["/", "/pricing", "/pricing/annual", "/blog/segments", "/features", "/docs"];
    private static readonly (string Client, string Type, string Os)[] Devices =
    [
        ("Gmail", "mobile", "Android"), ("Gmail", "desktop", "Windows"), ("Apple Mail", "mobile", "iOS"),
        ("Apple Mail", "desktop", "macOS"), ("Outlook", "desktop", "Windows"), ("Yahoo Mail", "mobile", "Android"),
    ];
    private static readonly (string Country, string City)[] Places =
    [
        ("DE", "Berlin"), ("DE", "Munich"), ("FR", "Paris"), ("US", "New York"), ("US", "San Francisco"), ("GB", "London"),
        ("AT", "Vienna"), ("NL", "Amsterdam"), ("ES", "Madrid"), ("IT", "Milan"),
    ];
    private static readonly string[] Campaigns = [.. Enumerable.Range(1, 24).Select(i => $"cmp-{i}")];

    private readonly Random _random = new(seed);
    private readonly Random _v2 = new(seed ^ 0x5EED);
    private long _eventId;

    public DateTimeOffset AsOf => asOf;

    public ContactProfile Profile(int index)
    {
        var plan = Plans[_random.Next(Plans.Length)];
        var mrr = plan switch { "Free" => 0, "Starter" => _random.Next(20, 100), "Pro" => _random.Next(100, 900), _ => _random.Next(900, 5000) };
        var fields = new List<KeyValuePair<string, ScalarValue>>
        {
            new("company", ScalarValue.OfText(Companies[_random.Next(Companies.Length)])),
            new("mrr", ScalarValue.OfNumber(mrr)),
            new("plan", ScalarValue.OfText(_random.Next(10) == 0 ? plan.ToLowerInvariant() : plan)),
        };
        if (plan == "Free" && _random.Next(3) == 0)
        {
            fields.Add(new("trial_ends", ScalarValue.OfText(asOf.AddDays(_random.Next(-20, 30)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
        }
        if (mrr > 2000)
        {
            fields.Add(new("vip", ScalarValue.OfBoolean(true)));
        }
        if (_v2.Next(5) != 0)
        {
            var interests = Interests.Where(_ => _v2.Next(4) == 0).Select(ScalarValue.OfText).ToArray();
            fields.Add(new("interests", ScalarValue.OfList(new ValueList(interests))));
        }
        return new ContactProfile
        {
            Id = $"c{index:D7}",
            Email = $"contact{index}@example.com",
            CreatedAt = asOf.AddDays(-_random.Next(30, 2000)),
            Fields = new PropertyBag([.. fields.OrderBy(f => f.Key, StringComparer.Ordinal)]),
            Lists = new Dictionary<string, string>
            {
                ["newsletter"] = _random.Next(12) == 0 ? ListStatuses.Unsubscribed : ListStatuses.Subscribed,
                ["product"] = ListStatuses.Subscribed,
            },
        };
    }

    public List<ContactEvent> Events(string contactId)
    {
        var events = new List<ContactEvent>(32);
        var engagement = _random.NextDouble();
        var fadesAfterDays = _random.Next(0, 365);
        var device = Devices[_random.Next(Devices.Length)];
        var place = Places[_random.Next(Places.Length)];
        var deviceBag = new TextBag(device.Client, device.Type, device.Os);
        var geo = new TextBag(place.Country, null, place.City);
        DateTimeOffset? lastClick = null;
        string? lastClickCampaign = null;
        var privacyProxy = device.Client == "Apple Mail" && _v2.Next(4) != 0;
        // Two campaigns a month, most recent first; a hard bounce, complaint or unsubscribe ends the mail.
        for (var c = 0; c < Campaigns.Length - _random.Next(4, 8); c++)
        {
            var daysAgo = 7 + (15 * c);
            var sentAt = asOf.AddDays(-daysAgo).AddMinutes(_random.Next(0, 600));
            var campaign = Campaigns[c];
            events.Add(Email(contactId, "sent", sentAt, campaign));
            if (privacyProxy)
            {
                events.Add(Email(contactId, "open", sentAt.AddMinutes(_v2.Next(1, 30)), campaign, properties: Machine));
            }
            var fate = _random.Next(1000);
            if (fate < 3)
            {
                events.Add(Email(contactId, "bounce", sentAt.AddSeconds(5), campaign, properties: Bag("bounceType", "hard")));
                break;
            }
            if (fate < 20)
            {
                events.Add(Email(contactId, "bounce", sentAt.AddSeconds(5), campaign, properties: Bag("bounceType", "soft")));
                continue;
            }
            if (_random.NextDouble() >= (daysAgo > fadesAfterDays ? engagement : engagement * 0.2))
            {
                continue;
            }
            events.Add(Email(contactId, "open", sentAt.AddHours(_random.Next(1, 48)), campaign, deviceBag, geo));
            if (_random.Next(4) == 0)
            {
                var clickAt = sentAt.AddHours(_random.Next(48, 60));
                events.Add(Email(contactId, "click", clickAt, campaign, deviceBag, geo));
                lastClick ??= clickAt;
                lastClickCampaign ??= campaign;
            }
            if (fate < 22)
            {
                events.Add(Email(contactId, "complaint", sentAt.AddHours(60), campaign));
                break;
            }
            if (fate < 32)
            {
                var list = _random.Next(2) == 0;
                events.Add(Email(contactId, "unsubscribe", sentAt.AddHours(61), campaign,
                    properties: list ? Bag("listId", "newsletter") : PropertyBag.Empty));
                if (list && daysAgo > 30 && _v2.Next(3) == 0)
                {
                    events.Add(Email(contactId, "subscribe", sentAt.AddDays(_v2.Next(5, 25)), campaign, properties: Bag("listId", "newsletter")));
                }
                break;
            }
        }
        // Website visits: some wander into pricing, some of those add to cart, a few buy.
        for (var visit = _random.Next(0, 5); visit > 0; visit--)
        {
            var at = asOf.AddDays(-_random.Next(0, 120)).AddSeconds(_random.Next(86400));
            var path = Paths[_random.Next(Paths.Length)];
            events.Add(Pixel(contactId, "page_view", at, Bag("path", path), geo));
            if (path.StartsWith("/pricing", StringComparison.Ordinal) && _random.Next(3) == 0)
            {
                events.Add(Pixel(contactId, "add_to_cart", at.AddMinutes(2), Cart(), geo));
                if (_random.Next(3) == 0)
                {
                    events.Add(Purchase(contactId, at.AddMinutes(5)));
                }
            }
        }
        if (lastClick is { } click && _random.Next(5) == 0)
        {
            events.Add(Purchase(contactId, click.AddDays(_random.Next(0, 10))));
        }
        return events;
    }

    private static PropertyBag Bag(string name, string value) => new([new(name, ScalarValue.OfText(value))]);

    private static readonly PropertyBag Machine = new([new("machine", ScalarValue.OfBoolean(true))]);

    /// <summary>A cart: the v1 <c>sku</c>, and (v2) its items and total.</summary>
    private PropertyBag Cart()
    {
        var items = Enumerable.Range(0, _v2.Next(1, 4)).Select(_ => Products[_v2.Next(Products.Length)]).ToArray();
        return PropertyBag.From([
            new("sku", ScalarValue.OfText("PRO-M")),
            new("cart", ScalarValue.OfRecord(PropertyBag.From([
                new("total", ScalarValue.OfNumber(items.Sum(i => i.Price))),
                new("items", ScalarValue.OfList(new ValueList([.. items.Select(i => ScalarValue.OfRecord(PropertyBag.From([
                    new("sku", ScalarValue.OfText(i.Sku)), new("price", ScalarValue.OfNumber(i.Price))])))]))),
            ]))),
        ]);
    }

    private string NextId() => $"e{_eventId++:x}";

    private ContactEvent Email(string contactId, string name, DateTimeOffset at, string campaign, TextBag? device = null, TextBag? geo = null,
        PropertyBag? properties = null) => new()
        {
            Id = NextId(),
            ContactId = contactId,
            Kind = EventKind.Email,
            Name = name,
            At = at,
            CampaignId = campaign,
            Device = device,
            Geo = geo,
            Properties = properties ?? PropertyBag.Empty,
        };

    private ContactEvent Pixel(string contactId, string name, DateTimeOffset at, PropertyBag properties, TextBag geo) => new()
    {
        Id = NextId(),
        ContactId = contactId,
        Kind = EventKind.Pixel,
        Name = name,
        At = at,
        Properties = properties,
        Geo = geo,
    };

    private ContactEvent Purchase(string contactId, DateTimeOffset at) => new()
    {
        Id = NextId(),
        ContactId = contactId,
        Kind = EventKind.Conversion,
        Name = "purchase",
        At = at,
        Value = _random.Next(1, 20) * 49.0,
        Currency = "EUR",
    };
}
