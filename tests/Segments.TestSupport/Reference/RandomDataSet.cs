// Seeded generator of adversarial but valid offline data sets (schema, contacts, events,
// definitions) in the exact format of docs/segment-language.md, for differential tests against
// BruteForceEvaluator. Deterministic for a seed: only System.Random(seed) is used (no Guid, no clock,
// no hash-order dependent iteration).
//
// What it stresses:
//  - profile values that are missing, null, of the wrong JSON type, empty, in mixed/non-ASCII case;
//    dates as full-dates, date-times (Z, offsets, fractions) and strings that are NOT RFC 3339
//    ("2026-11-01T10:00Z", "2026-11-01T10:00:00" without offset, "2026-02-30", ...);
//  - timestamps exactly on window edges (T - d, T - d +/- 1 s, T - d + 0.5 s, T, T + 1 s, day
//    boundaries), after T, and spread over ~500 days;
//  - duplicate deliveries (same id and content, sometimes with the JSON keys in another order),
//    shuffled arrival order, the same event id under two contacts, equal timestamps (tie-breaks of
//    "last" campaign, attribution and geo/device "last"), clicks exactly 7 d (and 7 d +/- 1 s)
//    before conversions, campaign ids that differ only in case, contact ids that differ only in case;
//  - definitions: random and/or/not trees (<= 4 group levels) over every condition kind and
//    operator, count ops incl. eq 0 and between, segment references to earlier definitions only
//    (reference depth <= 6 edges, so no cycles and well inside the limit of 8).
//
// v2 (the "Version 2 additions"): tags fields (arrays of strings in mixed case, empty, of the wrong type),
// nested event properties (objects, arrays of objects, arrays of strings, nulls, wrong shapes) with predicates on
// paths, machine opens (properties.machine true, and the look-alikes "true" and 1), subscribe and unsubscribe events
// with and without listId at equal instants, and the conditions everyone, bucket, seen "last" and machineOpens.
//
// Deliberately NOT generated (the spec is silent or the reading is a policy choice, see the
// BruteForceEvaluator header): email event names in non-lower case, `sent` events without a
// campaignId, geo/device values that are not strings, geo/device exists/not_exists predicates,
// lower-case "t"/"z" in timestamps, empty strings or empty arrays in definitions.

using System.Globalization;
using System.Text.Json.Nodes;

namespace Segments.TestSupport.Reference;

public sealed record RandomDataSet(JsonObject Schema, List<JsonObject> Contacts, List<JsonObject> Events, List<JsonObject> Definitions, DateTimeOffset AsOf)
{
    public static RandomDataSet Generate(int seed, int contacts = 200, int definitions = 40) =>
        new Generator(seed).Build(contacts, definitions);

    private sealed class Generator
    {
        private static readonly string[] Durations =
            ["30m", "90m", "1h", "12h", "24h", "1440m", "1d", "2d", "7d", "14d", "30d", "60d", "90d", "1w", "2w", "4w", "180d", "365d", "52w"];

        private static readonly string[] ListIds = ["newsletter", "product", "promo"];
        private static readonly string[] CampaignIds =
            ["cmp-1", "cmp-2", "cmp-3", "cmp-4", "cmp-5", "cmp-6", "cmp-7", "cmp-8", "cmp-9", "cmp-10", "cmp-11", "cmp-12", "CMP-3"];

        private static readonly string[] FirstNames = ["Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hal", "Zoë", "Ölaf", "Proctor"];
        private static readonly string[] LastNames = ["Smith", "Müller", "O'Brien", "vanDijk", "Free", "Prost"];
        private static readonly string[] Domains = ["example.com", "Example.COM", "acme.io", "mail.de"];
        private static readonly string[] Plans = ["Pro", "Free", "Enterprise", "Starter", "Pro Plus", "pro", "FREE"];
        private static readonly string[] Companies = ["Acme GmbH", "Globex", "Initech", "Umbrella Corp", "acme inc"];

        private static readonly string[] PlanWords = ["pro", "PRO", "Pro", "free", "Enterprise", "ent", "starter", "plus", "Pro Plus", "pr", "ee"];
        private static readonly string[] CompanyWords = ["acme", "ACME GmbH", "globex", "Inc", "gmbh", "corp"];
        private static readonly string[] EmailWords = ["@example.com", "EXAMPLE.COM", "ana", "ana.smith@example.com", "mail.de", ".io", "o'brien"];
        private static readonly string[] FirstNameWords = ["ana", "BEN", "zoë", "ZOË", "ölaf", "Pro", "c", "eli"];
        private static readonly string[] LastNameWords = ["smith", "MÜLLER", "o'brien", "free", "pro", "vandijk"];

        private static readonly string[] PixelNames = ["page_view", "add_to_cart", "Signup_Started", "video_play", "checkout"];
        private static readonly string[] ConversionNames = ["purchase", "signup", "trial_start", "refund"];
        private static readonly string[] Paths = ["/pricing", "/Pricing/annual", "/pricing/monthly", "/blog/pricing-news", "/", "/checkout", "/PRO"];
        private static readonly string[] Titles = ["Pricing", "Blog", "Checkout", "pricing page"];
        private static readonly string[] Skus = ["PRO-M", "pro-y", "ENT-1", "free"];
        private static readonly string[] PathWords = ["/pricing", "pricing", "/PRICING", "annual", "/", "/checkout", "news", "/pro"];
        private static readonly string[] SkuWords = ["PRO-", "pro-m", "-y", "ent-1", "FREE", "x"];
        private static readonly string[] TitleWords = ["pricing", "PRICING PAGE", "blog", "page", "Checkout"];
        private static readonly string[] PropertyNames = ["path", "title", "sku", "price", "qty", "plan", "color"];
        private static readonly string[] PropertyPaths =
            ["product.sku", "product.price", "items[].sku", "items[].price", "items[].tags[]", "items.sku", "product[].sku", "total", "items[]", "product"];

        private static readonly string[] Interests = ["Ski", "golf", "SKI", "sailing", "Golf", "chess", "ölsport"];
        private static readonly string[] InterestWords = ["ski", "GOLF", "sailing", "chess", "Ölsport", "tennis"];
        private static readonly string[] Seeds = ["spring-test", "holdout", "Ab:1"];
        private static readonly double[] PropertyNumbers = [0, 1, 2, 9.5, 29, 49, 99, 120, 500];

        private static readonly string[] Countries = ["DE", "FR", "AT", "US", "GB", "IT", "ES", "NL"];
        private static readonly string[] Regions = ["BE", "IDF", "CA", "9", "NY", "by"];
        private static readonly string[] Cities = ["Berlin", "Paris", "San Francisco", "Vienna", "berlin", "New York", "São Paulo"];
        private static readonly string[] Clients = ["Gmail", "Apple Mail", "Outlook", "Yahoo Mail", "gmail"];
        private static readonly string[] DeviceTypes = ["mobile", "desktop", "tablet", "Mobile"];
        private static readonly string[] OperatingSystems = ["Android", "iOS", "Windows", "macOS", "Linux"];

        private static readonly string[] InvalidDates =
            ["2026-02-30", "2026-13-01", "tomorrow", "2026-11-01T25:00:00Z", "2026-1-5", "", "20261101", "2026-11-01T10:00Z", "2026-11-01T10:00:00", "Nov 1, 2026"];

        private static readonly double[] NumberPool = [0, 29, 29.5, 100, 120, 500, 540, 620, 2400, -5];
        private static readonly TimeSpan[] Offsets =
            [TimeSpan.FromHours(2), TimeSpan.FromHours(-5), new TimeSpan(5, 30, 0), TimeSpan.FromHours(14), TimeSpan.FromHours(-12), TimeSpan.Zero];

        private readonly Random r;
        private readonly DateTimeOffset t;
        private readonly List<DateTimeOffset> anchors = [];
        private readonly Dictionary<string, DateTimeOffset> campaignSentAt = new(StringComparer.Ordinal);
        private readonly List<(string Id, string Contact)> issuedEventIds = [];
        private int nextEventId = 1;

        public Generator(int seed)
        {
            r = new Random(seed);
            var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            t = start.AddDays(r.Next(0, 365)).AddSeconds(r.Next(0, 86400));

            anchors.AddRange([t, t.AddSeconds(-1), t.AddSeconds(1)]);
            foreach (var d in Durations)
            {
                var span = BruteForceEvaluator.ParseDuration(d);
                anchors.AddRange([t - span, t - span + TimeSpan.FromSeconds(1), t - span - TimeSpan.FromSeconds(1), t + span, t + span + TimeSpan.FromSeconds(1)]);
            }

            anchors.Add(t - TimeSpan.FromDays(7) + TimeSpan.FromMilliseconds(500));
            anchors.Add(t - TimeSpan.FromDays(30) + TimeSpan.FromMilliseconds(1));
            var day0 = new DateTimeOffset(t.UtcDateTime.Date, TimeSpan.Zero);
            foreach (var k in new[] { -30, -7, -1, 0, 1, 7 })
            {
                var day = day0.AddDays(k);
                anchors.AddRange([day, day.AddSeconds(-1), day.AddDays(1).AddSeconds(-1)]);
            }
        }

        public RandomDataSet Build(int contactCount, int definitionCount)
        {
            var schema = new JsonObject
            {
                ["fields"] = new JsonObject
                {
                    ["plan"] = "text",
                    ["company"] = "text",
                    ["mrr"] = "number",
                    ["score"] = "number",
                    ["trial_ends"] = "date",
                    ["renewal_on"] = "date",
                    ["vip"] = "boolean",
                    ["beta"] = "boolean",
                    ["interests"] = "tags",
                },
            };

            // Campaign send times: some on anchors, some tied with the previous campaign.
            for (var i = 0; i < CampaignIds.Length; i++)
            {
                var p = r.NextDouble();
                campaignSentAt[CampaignIds[i]] = p < 0.3 ? Pick(anchors)
                    : p < 0.45 && i > 0 ? campaignSentAt[CampaignIds[i - 1]]
                    : RecentInstant();
            }

            var contacts = new List<JsonObject>();
            var events = new List<JsonObject>();
            var usedContactIds = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < contactCount; i++)
            {
                var id = i > 0 && r.NextDouble() < 0.04 ? $"C{i - 1:D4}" : $"c{i:D4}";
                if (!usedContactIds.Add(id))
                {
                    id = $"c{i:D4}x";
                    usedContactIds.Add(id);
                }

                contacts.Add(Contact(id));
                events.AddRange(EventsFor(id));
            }

            // Repeated deliveries (identical content, sometimes with keys in reverse order), then
            // shuffle the arrival order.
            var count = events.Count;
            for (var i = 0; i < count; i++)
            {
                if (r.NextDouble() < 0.08)
                {
                    var copy = (JsonObject)events[i].DeepClone();
                    events.Add(r.NextDouble() < 0.5 ? Reversed(copy) : copy);
                }
            }

            for (var i = events.Count - 1; i > 0; i--)
            {
                var j = r.Next(i + 1);
                (events[i], events[j]) = (events[j], events[i]);
            }

            var definitions = new List<JsonObject>();
            var referenceDepth = new List<int>();
            for (var i = 0; i < definitionCount; i++)
            {
                var refs = new List<int>();
                var match = Condition(0, i, referenceDepth, refs);
                var depth = refs.Count == 0 ? 0 : refs.Max(x => referenceDepth[x] + 1);
                referenceDepth.Add(depth);
                var def = new JsonObject
                {
                    ["id"] = DefinitionId(i),
                    ["name"] = $"Random segment {i}",
                };
                if (r.NextDouble() < 0.3)
                {
                    def["description"] = $"generated, seed-stable, #{i}";
                }

                def["match"] = match;
                definitions.Add(def);
            }

            return new RandomDataSet(schema, contacts, events, definitions, t);
        }

        private static string DefinitionId(int i) => $"seg-{i:D2}";

        // ------------------------------------------------------------------------------------
        // Contacts.
        // ------------------------------------------------------------------------------------

        private JsonObject Contact(string id)
        {
            var first = Pick(FirstNames);
            var last = Pick(LastNames);
            var c = new JsonObject { ["id"] = id };
            PutText(c, "email", () => $"{first}.{last}@{Pick(Domains)}");
            PutText(c, "firstName", () => first);
            PutText(c, "lastName", () => last);
            PutDate(c, "createdAt");

            if (r.NextDouble() < 0.95)
            {
                var f = new JsonObject();
                PutText(f, "plan", () => Pick(Plans));
                PutText(f, "company", () => Pick(Companies));
                PutNumber(f, "mrr");
                PutNumber(f, "score");
                PutDate(f, "trial_ends");
                PutDate(f, "renewal_on");
                PutBool(f, "vip");
                PutBool(f, "beta");
                PutTags(f, "interests");
                c["fields"] = f;
            }

            if (r.NextDouble() < 0.9)
            {
                var lists = new JsonObject();
                foreach (var l in ListIds)
                {
                    if (r.NextDouble() < 0.5)
                    {
                        lists[l] = r.NextDouble() < 0.75 ? "subscribed" : "unsubscribed";
                    }
                }

                c["lists"] = lists;
            }

            return c;
        }

        private void PutText(JsonObject o, string key, Func<string> make)
        {
            var p = r.NextDouble();
            if (p < 0.07)
            {
                return;
            }

            o[key] = p < 0.12 ? null
                : p < 0.17 ? JsonValue.Create(r.Next(0, 100))
                : p < 0.20 ? JsonValue.Create(r.NextDouble() < 0.5)
                : p < 0.23 ? JsonValue.Create("")
                : JsonValue.Create(RandCase(make()));
        }

        private void PutNumber(JsonObject o, string key)
        {
            var p = r.NextDouble();
            if (p < 0.07)
            {
                return;
            }

            o[key] = p < 0.12 ? null
                : p < 0.17 ? JsonValue.Create(Pick(NumberPool).ToString(CultureInfo.InvariantCulture))
                : p < 0.20 ? JsonValue.Create(true)
                : p < 0.60 ? JsonValue.Create(Pick(NumberPool))
                : JsonValue.Create(r.Next(-10, 3000) + (r.NextDouble() < 0.3 ? 0.5 : 0));
        }

        private void PutDate(JsonObject o, string key)
        {
            var p = r.NextDouble();
            if (p < 0.07)
            {
                return;
            }

            o[key] = p < 0.11 ? null
                : p < 0.14 ? JsonValue.Create(r.Next(0, 100000))
                : p < 0.24 ? JsonValue.Create(Pick(InvalidDates))
                : p < 0.55 ? JsonValue.Create(FormatDate(AnyInstant()))
                : JsonValue.Create(FormatAt(AnyInstant()));
        }

        private void PutTags(JsonObject o, string key)
        {
            var p = r.NextDouble();
            if (p < 0.08)
            {
                return;
            }

            o[key] = p < 0.12 ? null
                : p < 0.16 ? JsonValue.Create(Pick(Interests))
                : p < 0.22 ? new JsonArray()
                : p < 0.26 ? new JsonArray(JsonValue.Create(Pick(Interests)), JsonValue.Create(3))
                : p < 0.28 ? new JsonObject { ["ski"] = true }
                : new JsonArray([.. Enumerable.Range(0, r.Next(1, 4)).Select(_ => (JsonNode?)JsonValue.Create(Pick(Interests)))]);
        }

        private void PutBool(JsonObject o, string key)
        {
            var p = r.NextDouble();
            if (p < 0.07)
            {
                return;
            }

            o[key] = p < 0.12 ? null
                : p < 0.17 ? JsonValue.Create("true")
                : p < 0.20 ? JsonValue.Create(1)
                : JsonValue.Create(r.NextDouble() < 0.5);
        }

        // ------------------------------------------------------------------------------------
        // Events.
        // ------------------------------------------------------------------------------------

        private List<JsonObject> EventsFor(string contactId)
        {
            var list = new List<JsonObject>();
            var clicks = new List<(DateTimeOffset At, string Campaign)>();

            JsonObject Add(string kind, string name, DateTimeOffset at, bool allowTie = true)
            {
                // Equal timestamps: sometimes reuse the previous event's instant.
                if (allowTie && list.Count > 0 && r.NextDouble() < 0.08)
                {
                    at = AtOf(list[^1]);
                }

                var e = new JsonObject
                {
                    ["id"] = NewEventId(contactId),
                    ["contactId"] = contactId,
                    ["kind"] = kind,
                    ["name"] = name,
                    ["at"] = FormatAt(at),
                };
                list.Add(e);
                return e;
            }

            // Campaign mail flow.
            foreach (var campaign in CampaignIds)
            {
                if (r.NextDouble() >= 0.35)
                {
                    continue;
                }

                var sentAt = campaignSentAt[campaign];
                Add("email", "sent", sentAt)["campaignId"] = campaign;
                if (r.NextDouble() < 0.8)
                {
                    Add("email", "delivered", sentAt.AddSeconds(r.Next(0, 300)))["campaignId"] = campaign;
                }

                if (r.NextDouble() < 0.1)
                {
                    var bounce = Add("email", "bounce", sentAt.AddSeconds(5));
                    bounce["campaignId"] = campaign;
                    bounce["properties"] = new JsonObject { ["bounceType"] = r.NextDouble() < 0.5 ? "hard" : "soft" };
                }

                if (r.NextDouble() < 0.45)
                {
                    var openAt = sentAt.AddMinutes(r.Next(1, 14 * 24 * 60));
                    var open = Add("email", "open", openAt);
                    if (r.NextDouble() < 0.95)
                    {
                        open["campaignId"] = campaign;
                    }

                    var m = r.NextDouble();
                    if (m < 0.3)
                    {
                        open["properties"] = new JsonObject { ["machine"] = m < 0.2 ? JsonValue.Create(true) : m < 0.25 ? JsonValue.Create("true") : JsonValue.Create(1) };
                    }

                    AttachPlace(open);
                    if (r.NextDouble() < 0.5)
                    {
                        var click = Add("email", "click", openAt.AddSeconds(r.Next(0, 7200)));
                        if (r.NextDouble() < 0.95)
                        {
                            click["campaignId"] = campaign;
                            clicks.Add((AtOf(click), campaign));
                        }

                        AttachPlace(click);
                    }
                }

                if (r.NextDouble() < 0.05)
                {
                    Unsubscribe(Add("email", "unsubscribe", sentAt.AddHours(r.Next(1, 100))), campaign);
                }

                if (r.NextDouble() < 0.03)
                {
                    Add("email", "complaint", sentAt.AddHours(r.Next(1, 100)))["campaignId"] = campaign;
                }
            }

            // Stray email events on window edges.
            var extra = r.Next(0, 4);
            for (var i = 0; i < extra; i++)
            {
                var name = Pick(BruteForceEvaluator.EmailEventNames[..^1]); // not "engaged"
                var e = Add("email", name, AnyInstant());
                string? campaign = name == "sent" || r.NextDouble() < 0.7 ? Pick(CampaignIds) : null;
                if (campaign is not null)
                {
                    e["campaignId"] = campaign;
                }

                if (name == "click" && campaign is not null)
                {
                    clicks.Add((AtOf(e), campaign));
                }

                if (name == "bounce")
                {
                    e["properties"] = new JsonObject { ["bounceType"] = r.NextDouble() < 0.5 ? "hard" : "soft" };
                }
                else if (name is "unsubscribe" or "subscribe")
                {
                    Unsubscribe(e, campaign);
                }

                AttachPlace(e);
            }

            // Re-subscriptions: subscribe and unsubscribe of one list (or none) in a row, some at one instant.
            if (r.NextDouble() < 0.3)
            {
                var listId = r.NextDouble() < 0.8 ? Pick(ListIds) : null;
                var at = AnyInstant();
                for (var i = r.Next(1, 5); i > 0; i--)
                {
                    var change = Add("email", r.NextDouble() < 0.5 ? "subscribe" : "unsubscribe", at, allowTie: false);
                    change["properties"] = listId is null ? new JsonObject() : new JsonObject { ["listId"] = listId };
                    at = r.NextDouble() < 0.4 ? at : at.AddHours(r.Next(1, 200));
                }
            }

            // Pixel events.
            var pixels = r.Next(0, 8);
            for (var i = 0; i < pixels; i++)
            {
                var e = Add("pixel", RandCase(Pick(PixelNames)), AnyInstant());
                if (r.NextDouble() < 0.9)
                {
                    e["properties"] = PixelProperties();
                }

                AttachPlace(e);
            }

            // Conversions, some placed exactly on the attribution edge of a click.
            var conversions = r.Next(0, 4);
            for (var i = 0; i < conversions; i++)
            {
                DateTimeOffset at;
                if (clicks.Count > 0 && r.NextDouble() < 0.5)
                {
                    var (clickAt, campaign) = Pick(clicks);
                    var delta = Pick(new[] { TimeSpan.FromDays(7), TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1), TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromDays(3) });
                    at = clickAt + delta;
                    if (r.NextDouble() < 0.3)
                    {
                        // A rival click at the very same instant with another campaign: the larger
                        // event id decides the attribution.
                        var rival = Add("email", "click", clickAt, allowTie: false);
                        var other = Pick(CampaignIds.Where(c => c != campaign).ToArray());
                        rival["campaignId"] = other;
                        clicks.Add((clickAt, other));
                    }
                }
                else
                {
                    at = AnyInstant();
                }

                var conv = Add("conversion", RandCase(Pick(ConversionNames)), at, allowTie: false);
                var p = r.NextDouble();
                if (p < 0.70)
                {
                    conv["value"] = r.Next(0, 2400) / 4.0;
                    conv["currency"] = r.NextDouble() < 0.8 ? "EUR" : "usd";
                }
                else if (p < 0.75)
                {
                    conv["value"] = "49.0";
                }
                else if (p < 0.78)
                {
                    conv["value"] = null;
                }

                if (r.NextDouble() < 0.25)
                {
                    conv["campaignId"] = Pick(CampaignIds);
                }

                if (r.NextDouble() < 0.4)
                {
                    conv["properties"] = PixelProperties();
                }

                AttachPlace(conv);
            }

            return list;
        }

        private string NewEventId(string contactId)
        {
            // Now and then reuse an id already used by ANOTHER contact: (contactId, id) is the key.
            if (issuedEventIds.Count > 0 && r.NextDouble() < 0.02)
            {
                var (id, owner) = Pick(issuedEventIds);
                if (owner != contactId && !issuedEventIds.Contains((id, contactId)))
                {
                    issuedEventIds.Add((id, contactId));
                    return id;
                }
            }

            var fresh = $"e{nextEventId++}";
            issuedEventIds.Add((fresh, contactId));
            return fresh;
        }

        private void Unsubscribe(JsonObject e, string? campaign)
        {
            if (campaign is not null)
            {
                e["campaignId"] = campaign;
            }

            var p = r.NextDouble();
            if (p < 0.6)
            {
                e["properties"] = new JsonObject { ["listId"] = Pick(ListIds) };
            }
            else if (p < 0.8)
            {
                e["properties"] = new JsonObject();
            }
        }

        private JsonObject PixelProperties()
        {
            var o = new JsonObject();
            if (r.NextDouble() < 0.7)
            {
                o["path"] = Pick(Paths);
            }

            if (r.NextDouble() < 0.4)
            {
                o["title"] = Pick(Titles);
            }

            if (r.NextDouble() < 0.4)
            {
                o["sku"] = Pick(Skus);
            }

            if (r.NextDouble() < 0.5)
            {
                var p = r.NextDouble();
                o["price"] = p < 0.1 ? JsonValue.Create("29") : p < 0.15 ? null : p < 0.18 ? JsonValue.Create(true) : JsonValue.Create(Pick(PropertyNumbers));
            }

            if (r.NextDouble() < 0.3)
            {
                o["qty"] = r.NextDouble() < 0.15 ? JsonValue.Create("2") : JsonValue.Create(r.Next(1, 6));
            }

            if (r.NextDouble() < 0.2)
            {
                o["plan"] = RandCase(Pick(Plans));
            }

            if (r.NextDouble() < 0.3)
            {
                o["total"] = Pick(PropertyNumbers);
            }

            var n = r.NextDouble();
            if (n < 0.3)
            {
                o["product"] = n < 0.05 ? JsonValue.Create("PRO-M") : n < 0.08 ? new JsonArray(Item()) : Item();
            }

            n = r.NextDouble();
            if (n < 0.4)
            {
                o["items"] = n < 0.04 ? Item() : n < 0.06 ? null : new JsonArray([.. Enumerable.Range(0, r.Next(0, 4)).Select(_ => (JsonNode?)(r.NextDouble() < 0.1 ? null : Item()))]);
            }

            return o;
        }

        /// <summary>A nested product: sku and price (sometimes of the wrong type or absent), and tags.</summary>
        private JsonObject Item()
        {
            var o = new JsonObject();
            if (r.NextDouble() < 0.8)
            {
                o["sku"] = r.NextDouble() < 0.1 ? JsonValue.Create(7) : JsonValue.Create(Pick(Skus));
            }

            if (r.NextDouble() < 0.8)
            {
                o["price"] = r.NextDouble() < 0.1 ? JsonValue.Create("29") : JsonValue.Create(Pick(PropertyNumbers));
            }

            if (r.NextDouble() < 0.4)
            {
                o["tags"] = new JsonArray([.. Enumerable.Range(0, r.Next(0, 3)).Select(_ => (JsonNode?)JsonValue.Create(Pick(Titles)))]);
            }

            return o;
        }

        private void AttachPlace(JsonObject e)
        {
            if (r.NextDouble() < 0.3)
            {
                e["geo"] = Place(("country", Countries), ("region", Regions), ("city", Cities));
            }

            if (r.NextDouble() < 0.25)
            {
                e["device"] = Place(("client", Clients), ("type", DeviceTypes), ("os", OperatingSystems));
            }
        }

        private JsonObject Place(params (string Key, string[] Pool)[] keys)
        {
            var o = new JsonObject();
            if (r.NextDouble() < 0.08)
            {
                return o; // empty: such an event is not considered at all
            }

            foreach (var (key, pool) in keys)
            {
                if (r.NextDouble() < 0.75)
                {
                    o[key] = RandCase(Pick(pool));
                }
            }

            if (o.Count == 0)
            {
                o[keys[0].Key] = RandCase(Pick(keys[0].Pool));
            }

            return o;
        }

        // ------------------------------------------------------------------------------------
        // Definitions.
        // ------------------------------------------------------------------------------------

        private JsonObject Condition(int level, int index, List<int> referenceDepth, List<int> refs)
        {
            if (level < 4 && r.NextDouble() < (level == 0 ? 0.6 : 0.3))
            {
                var g = r.NextDouble();
                if (g < 0.25)
                {
                    return new JsonObject { ["not"] = Condition(level + 1, index, referenceDepth, refs) };
                }

                var children = new JsonArray();
                var n = r.Next(1, 4);
                for (var i = 0; i < n; i++)
                {
                    children.Add(Condition(level + 1, index, referenceDepth, refs));
                }

                return new JsonObject { [g < 0.65 ? "and" : "or"] = children };
            }

            var referable = Enumerable.Range(0, index).Where(i => referenceDepth[i] <= 5).ToList();
            while (true)
            {
                var k = r.Next(0, 100);
                switch (k)
                {
                    case < 25:
                        return new JsonObject { ["field"] = FieldCondition() };
                    case < 40:
                        return new JsonObject { ["engagement"] = EngagementCondition() };
                    case < 52:
                        return new JsonObject { ["pixel"] = PixelCondition() };
                    case < 67:
                        return new JsonObject { ["conversion"] = ConversionCondition() };
                    case < 76:
                        return new JsonObject { ["list"] = ListCondition() };
                    case < 80:
                        if (referable.Count == 0)
                        {
                            continue;
                        }

                        var target = Pick(referable);
                        refs.Add(target);
                        return new JsonObject { ["segment"] = new JsonObject { ["id"] = DefinitionId(target) } };
                    case < 86:
                        return new JsonObject { ["geo"] = PlaceCondition(("country", Countries), ("region", Regions), ("city", Cities)) };
                    case < 88:
                        return new JsonObject { ["everyone"] = new JsonObject() };
                    case < 93:
                        var from = r.Next(0, 100);
                        return new JsonObject
                        {
                            ["bucket"] = new JsonObject { ["seed"] = Pick(Seeds), ["from"] = from, ["to"] = r.NextDouble() < 0.2 ? from : r.Next(from, 100) },
                        };
                    default:
                        return new JsonObject { ["device"] = PlaceCondition(("client", Clients), ("type", DeviceTypes), ("os", OperatingSystems)) };
                }
            }
        }

        private JsonObject FieldCondition()
        {
            var (name, type, words) = Pick(new (string, string, string[])[]
            {
                ("email", "text", EmailWords),
                ("first_name", "text", FirstNameWords),
                ("last_name", "text", LastNameWords),
                ("created_at", "date", []),
                ("plan", "text", PlanWords),
                ("plan", "text", PlanWords),
                ("company", "text", CompanyWords),
                ("mrr", "number", []),
                ("mrr", "number", []),
                ("score", "number", []),
                ("trial_ends", "date", []),
                ("renewal_on", "date", []),
                ("vip", "boolean", []),
                ("beta", "boolean", []),
                ("interests", "tags", InterestWords),
                ("interests", "tags", InterestWords),
            });

            var o = new JsonObject { ["name"] = name };
            if (r.NextDouble() < 0.12)
            {
                o["op"] = r.NextDouble() < 0.5 ? "exists" : "not_exists";
                return o;
            }

            switch (type)
            {
                case "text":
                    {
                        var op = Pick(BruteForceEvaluator.TextOps);
                        o["op"] = op;
                        o["value"] = TextValue(op, words);
                        break;
                    }

                case "number":
                    {
                        var op = Pick(BruteForceEvaluator.NumberOps);
                        o["op"] = op;
                        o["value"] = NumberValue(op, () => r.NextDouble() < 0.6 ? Pick(NumberPool) : r.Next(-10, 3000));
                        break;
                    }

                case "date":
                    {
                        var op = Pick(BruteForceEvaluator.DateOps);
                        o["op"] = op;
                        if (op is "within_last" or "more_than_ago" or "within_next")
                        {
                            o["value"] = Pick(Durations);
                        }
                        else if (op == "between")
                        {
                            var a = DateValue();
                            var b = DateValue();
                            var ia = BruteForceEvaluator.ParseDateOrDateTime(a)!.Value.Instant;
                            var ib = BruteForceEvaluator.ParseDateOrDateTime(b)!.Value.Instant;
                            o["value"] = ia <= ib ? new JsonArray(a, b) : new JsonArray(b, a);
                        }
                        else
                        {
                            o["value"] = DateValue();
                        }

                        break;
                    }

                case "tags":
                    {
                        var op = Pick(BruteForceEvaluator.TagsOps);
                        o["op"] = op;
                        o["value"] = op is "includes" or "not_includes"
                            ? Pick(words)
                            : new JsonArray([.. Enumerable.Range(0, r.Next(1, 4)).Select(_ => (JsonNode?)JsonValue.Create(Pick(words)))]);
                        break;
                    }

                default:
                    o["op"] = "eq";
                    o["value"] = r.NextDouble() < 0.5;
                    break;
            }

            return o;
        }

        private JsonNode TextValue(string op, string[] words)
        {
            if (op is "in" or "not_in")
            {
                var a = new JsonArray();
                var n = r.Next(1, 4);
                for (var i = 0; i < n; i++)
                {
                    a.Add(RandCase(Pick(words)));
                }

                return a;
            }

            return JsonValue.Create(RandCase(Pick(words)));
        }

        private JsonNode NumberValue(string op, Func<double> make)
        {
            switch (op)
            {
                case "between":
                    {
                        var a = make();
                        var b = make();
                        return new JsonArray(Math.Min(a, b), Math.Max(a, b));
                    }

                case "in" or "not_in":
                    {
                        var arr = new JsonArray();
                        var n = r.Next(1, 4);
                        for (var i = 0; i < n; i++)
                        {
                            arr.Add(make());
                        }

                        return arr;
                    }

                default:
                    return JsonValue.Create(make());
            }
        }

        private string DateValue() =>
            r.NextDouble() < 0.5 ? FormatDate(AnyInstant()) : FormatAt(r.NextDouble() < 0.6 ? Pick(anchors) : AnyInstant());

        private JsonObject? Count()
        {
            if (r.NextDouble() < 0.45)
            {
                return null;
            }

            var op = Pick(BruteForceEvaluator.CountOps);
            var c = new JsonObject { ["op"] = op };
            if (op == "between")
            {
                var lo = r.Next(0, 4);
                c["value"] = new JsonArray(lo, lo + r.Next(0, 4));
            }
            else
            {
                c["value"] = op == "eq" && r.NextDouble() < 0.5 ? 0 : r.Next(0, 5);
            }

            return c;
        }

        private void Window(JsonObject o)
        {
            if (r.NextDouble() < 0.6)
            {
                o["within"] = Pick(Durations);
            }
        }

        private JsonObject EngagementCondition()
        {
            var o = new JsonObject { ["event"] = Pick(BruteForceEvaluator.EmailEventNames) };
            Window(o);
            if (Count() is { } c)
            {
                o["count"] = c;
            }

            if (r.NextDouble() < 0.3)
            {
                o["campaign"] = r.NextDouble() < 0.5 ? "last" : Pick([.. CampaignIds, "cmp-99"]);
            }

            if (o["event"]!.GetValue<string>() is "open" or "engaged" && r.NextDouble() < 0.4)
            {
                o["machineOpens"] = r.NextDouble() < 0.7 ? "include" : "exclude";
            }

            return o;
        }

        private JsonObject PixelCondition()
        {
            var o = new JsonObject { ["event"] = RandCase(r.NextDouble() < 0.9 ? Pick(PixelNames) : "never_seen") };
            Where(o);
            Window(o);
            if (r.NextDouble() < 0.3)
            {
                o["seen"] = "last";
            }
            else if (Count() is { } c)
            {
                o["count"] = c;
            }

            return o;
        }

        private JsonObject ConversionCondition()
        {
            var o = new JsonObject();
            if (r.NextDouble() < 0.7)
            {
                o["event"] = RandCase(Pick(ConversionNames));
            }

            if (r.NextDouble() < 0.3)
            {
                Where(o);
            }

            Window(o);
            var last = r.NextDouble() < 0.25;
            if (last)
            {
                o["seen"] = r.NextDouble() < 0.8 ? "last" : "any";
            }

            if (!last && Count() is { } c)
            {
                o["count"] = c;
            }

            if (!last && r.NextDouble() < 0.35)
            {
                var op = Pick(BruteForceEvaluator.CountOps);
                o["value"] = new JsonObject
                {
                    ["op"] = op,
                    ["value"] = NumberValue(op, () => r.NextDouble() < 0.3 ? 0 : r.Next(0, 2400) / 4.0),
                };
            }

            if (r.NextDouble() < 0.3)
            {
                o["campaign"] = r.NextDouble() < 0.4 ? "any" : Pick(CampaignIds);
            }

            return o;
        }

        private void Where(JsonObject o)
        {
            var n = r.Next(0, 3);
            if (n == 0)
            {
                return;
            }

            var where = new JsonArray();
            for (var i = 0; i < n; i++)
            {
                where.Add(PropertyPredicate());
            }

            o["where"] = where;
        }

        private JsonObject PropertyPredicate()
        {
            var property = r.NextDouble() < 0.4 ? Pick(PropertyPaths) : Pick(PropertyNames);
            var leaf = property.Split('.')[^1].Replace("[]", "", StringComparison.Ordinal);
            string[] words = leaf switch
            {
                "path" => PathWords,
                "sku" => SkuWords,
                "plan" => PlanWords,
                "price" or "qty" or "total" => ["29", "2", "0"],
                _ => TitleWords,
            };
            // Mostly a pairing that fits the property's usual type; sometimes any operator at all
            // (mismatched pairings are missing values).
            var numeric = leaf is "price" or "qty" or "total";
            string[] ops = r.NextDouble() < 0.3
                ? ["exists", "not_exists", .. BruteForceEvaluator.TextOps, .. BruteForceEvaluator.NumberOps.Where(x => !BruteForceEvaluator.TextOps.Contains(x))]
                : numeric ? BruteForceEvaluator.NumberOps : BruteForceEvaluator.TextOps;
            var op = Pick(ops);
            var o = new JsonObject { ["property"] = property, ["op"] = op };
            switch (op)
            {
                case "exists" or "not_exists":
                    break;
                case "contains" or "not_contains" or "starts_with" or "ends_with":
                    o["value"] = TextValue(op, words);
                    break;
                case "gt" or "gte" or "lt" or "lte" or "between":
                    o["value"] = NumberValue(op, () => Pick(PropertyNumbers));
                    break;
                default: // eq, neq, in, not_in: either pairing
                    o["value"] = r.NextDouble() < (numeric ? 0.25 : 0.75) ? TextValue(op, words) : NumberValue(op, () => Pick(PropertyNumbers));
                    break;
            }

            return o;
        }

        private JsonObject ListCondition()
        {
            var o = new JsonObject { ["id"] = r.NextDouble() < 0.93 ? Pick(ListIds) : "Newsletter" };
            if (r.NextDouble() < 0.6)
            {
                o["status"] = Pick(new[] { "subscribed", "unsubscribed", "any" });
            }

            return o;
        }

        private JsonObject PlaceCondition(params (string Key, string[] Pool)[] keys)
        {
            var o = new JsonObject();
            foreach (var (key, pool) in keys)
            {
                if (r.NextDouble() < 0.45)
                {
                    o[key] = PlacePredicate(pool);
                }
            }

            if (o.Count == 0)
            {
                var (key, pool) = Pick(keys);
                o[key] = PlacePredicate(pool);
            }

            Window(o);
            if (r.NextDouble() < 0.5)
            {
                o["seen"] = r.NextDouble() < 0.5 ? "last" : "any";
            }

            return o;
        }

        private JsonObject PlacePredicate(string[] pool)
        {
            var op = Pick(BruteForceEvaluator.TextOps);
            string[] words = op is "contains" or "not_contains" or "starts_with" or "ends_with"
                ? [.. pool, .. pool.Select(w => w[..Math.Max(1, w.Length / 2)]), .. pool.Select(w => w[(w.Length / 2)..])]
                : pool;
            return new JsonObject { ["op"] = op, ["value"] = TextValue(op, words) };
        }

        // ------------------------------------------------------------------------------------
        // Time and randomness.
        // ------------------------------------------------------------------------------------

        /// <summary>An instant: often a window-edge anchor, sometimes after T, else spread over ~500 days.</summary>
        private DateTimeOffset AnyInstant()
        {
            var p = r.NextDouble();
            return p < 0.3 ? Pick(anchors)
                : p < 0.4 ? t + TimeSpan.FromSeconds(r.Next(1, 20 * 86400))
                : t - TimeSpan.FromSeconds(r.NextInt64(0, 500L * 86400));
        }

        /// <summary>A campaign send time: mostly within the last ~120 days.</summary>
        private DateTimeOffset RecentInstant() =>
            r.NextDouble() < 0.1 ? t + TimeSpan.FromHours(r.Next(1, 72)) : t - TimeSpan.FromSeconds(r.NextInt64(0, 120L * 86400));

        private string FormatAt(DateTimeOffset x)
        {
            var p = r.NextDouble();
            var offset = p < 0.9 ? TimeSpan.Zero : Pick(Offsets);
            var local = x.ToOffset(offset);
            var s = local.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);
            var fraction = local.Ticks % TimeSpan.TicksPerSecond;
            if (fraction != 0)
            {
                s += "." + fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
            }
            else if (r.NextDouble() < 0.05)
            {
                s += ".000";
            }

            if (offset == TimeSpan.Zero && (p < 0.9 || r.NextDouble() < 0.5))
            {
                return s + "Z";
            }

            var sign = offset < TimeSpan.Zero ? "-" : "+";
            var abs = offset.Duration();
            return s + $"{sign}{abs.Hours:D2}:{abs.Minutes:D2}";
        }

        private static DateTimeOffset AtOf(JsonObject e) =>
            BruteForceEvaluator.ParseDateOrDateTime((string?)e["at"])!.Value.Instant;

        private static string FormatDate(DateTimeOffset x) =>
            x.UtcDateTime.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);

        private string RandCase(string s)
        {
            var p = r.NextDouble();
            if (p < 0.55)
            {
                return s;
            }

            if (p < 0.7)
            {
                return s.ToUpperInvariant();
            }

            if (p < 0.85)
            {
                return s.ToLowerInvariant();
            }

            var chars = s.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = r.NextDouble() < 0.5 ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            }

            return new string(chars);
        }

        private T Pick<T>(IReadOnlyList<T> items) => items[r.Next(items.Count)];

        private static JsonObject Reversed(JsonObject o)
        {
            var copy = new JsonObject();
            foreach (var (k, v) in o.Reverse().ToList())
            {
                copy[k] = v?.DeepClone();
            }

            return copy;
        }
    }
}
