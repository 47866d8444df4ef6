using System.Text;
using System.Text.Json;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Model;
using Segments.Engine.Tests.Reference;
using Xunit.Abstractions;

namespace Segments.Engine.Tests.Documents;

/// <summary>Both stored forms of a document (<see cref="ContactDocumentJson"/>, <see cref="ContactDocumentBinary"/>) round-trip exactly.</summary>
public class ContactDocumentJsonTests(ITestOutputHelper output)
{
    public static readonly TheoryData<string> Forms = ["json", "binary"];

    private static byte[] Serialize(ContactDocument document, string form) =>
        form == "json" ? ContactDocumentJson.Serialize(document) : ContactDocumentBinary.Serialize(document);

    private static ContactDocument Deserialize(byte[] stored, string form) =>
        form == "json" ? ContactDocumentJson.Deserialize(stored) : ContactDocumentBinary.Deserialize(stored);

    private static ContactDocument RoundTrip(ContactDocument document, string form) => Deserialize(Serialize(document, form), form);

    [Theory]
    [InlineData(1, "json")]
    [InlineData(2, "json")]
    [InlineData(3, "json")]
    [InlineData(1, "binary")]
    [InlineData(2, "binary")]
    [InlineData(3, "binary")]
    public void Folded_random_data_sets_round_trip_exactly_and_evaluate_identically(int seed, string form)
    {
        var data = RandomDataSet.Generate(seed, contacts: 150, definitions: 30);
        var loaded = RandomDataSets.Load(data);
        var restored = loaded.Contacts.Select(c => RoundTrip(c, form)).ToList();

        foreach (var (expected, actual) in loaded.Contacts.Zip(restored))
        {
            DocumentAssert.Equal(expected, actual);
        }
        var engine = new SegmentSet(loaded.Definitions);
        foreach (var at in new[] { data.AsOf, data.AsOf.AddDays(-30), data.AsOf.AddSeconds(0.5) })
        {
            foreach (var definition in loaded.Definitions)
            {
                Assert.Equal(engine[definition.Id].Members(loaded.Contacts, at), engine[definition.Id].Members(restored, at));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Serialized_form_is_stable_across_a_round_trip(string form)
    {
        foreach (var document in RandomDataSets.Load(RandomDataSet.Generate(11, contacts: 60, definitions: 1)).Contacts)
        {
            var first = Serialize(document, form);
            Assert.Equal(first, Serialize(Deserialize(first, form), form));
        }
    }

    [Fact]
    public void Every_integer_in_the_stored_form_survives_a_store_that_keeps_numbers_as_doubles()
    {
        var documents = RandomDataSets.Load(RandomDataSet.Generate(12, contacts: 60, definitions: 1)).Contacts
            .Append(new ContactDocument("empty"));
        foreach (var document in documents)
        {
            using var json = JsonDocument.Parse(ContactDocumentJson.Serialize(document));
            Assert.All(Integers(json.RootElement), raw => Assert.True(Math.Abs(decimal.Parse(raw)) <= 1L << 53, $"{document.Id}: {raw}"));
        }
    }

    private static IEnumerable<string> Integers(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => json.EnumerateObject().SelectMany(p => Integers(p.Value)),
        JsonValueKind.Array => json.EnumerateArray().SelectMany(Integers),
        JsonValueKind.Number when !json.GetRawText().Contains('.') && !json.GetRawText().Contains('e') => [json.GetRawText()],
        _ => [],
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Values_the_input_reader_never_makes_still_round_trip(string form)
    {
        var info = new EventInfo(EventKind.Email, "Open", EmailAction.Click, null,
            new PropertyBag([new("odd", new ScalarValue(ValueKind.Text, "not a date", 0, 42)), new("num", new ScalarValue(ValueKind.Number, "x", 1.5, null))]),
            new TextBag(null, "BE", null), null, 12.5, "EUR");
        var document = new ContactDocument("c1")
        {
            CreatedAt = new ScalarValue(ValueKind.Boolean, null, 7, null),
            Fields = new PropertyBag([new("b", ScalarValue.OfBoolean(false)), new("a", ScalarValue.Missing), new("n", ScalarValue.OfNumber(-0.1))]),
            Events = [new FoldedEvent(5, "e1", info)],
            Compacted = [new CompactedTotal(EventKind.Conversion, "purchase", EmailAction.Other, null, "cmp", 3, double.PositiveInfinity, 9)],
            Suppressions = [new(SuppressionReason.Manual, 1), new(SuppressionReason.Complaint, 2)],
        };

        DocumentAssert.Equal(document, RoundTrip(document, form));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Nested_values_list_changes_and_machine_totals_round_trip(string form)
    {
        var nested = PropertyBag.From([
            new("items", ScalarValue.OfList(new ValueList([ScalarValue.OfRecord(PropertyBag.From([new("sku", ScalarValue.OfText("a"))])), ScalarValue.Missing]))),
            // A record whose names are those of the stored form of odd scalars must not be taken for one.
            new("odd", ScalarValue.OfRecord(PropertyBag.From([new("k", ScalarValue.OfText("Text")), new("n", ScalarValue.OfNumber(1))]))),
            new("empty", ScalarValue.OfRecord(PropertyBag.Empty)),
        ]);
        var info = new EventInfo(EventKind.Pixel, "add_to_cart", EmailAction.Other, null, nested, null, null, null, null);
        var document = new ContactDocument("c1")
        {
            Fields = PropertyBag.From([new("interests", ScalarValue.OfList(new ValueList([ScalarValue.OfText("ski")]))), new("none", ScalarValue.OfList(new ValueList([])))]),
            Events = [new FoldedEvent(5, "e1", info)],
            ListChanges = [new ListChange(null, 3, "e0", false), new ListChange("news", 4, "e9", true)],
            Compacted = [new CompactedTotal(EventKind.Email, "open", EmailAction.Open, "cmp", null, 3, 0, 9, Machine: true)],
        };

        DocumentAssert.Equal(document, RoundTrip(document, form));
    }

    [Fact]
    public void A_document_stored_before_v2_reads_its_opt_outs_as_list_changes()
    {
        var json = """{"v":1,"id":"c1","listOptOuts":{"news":5},"suppressions":{"unsubscribed":7,"complaint":8},"newestAt":9}""";
        var document = ContactDocumentJson.Deserialize(Encoding.UTF8.GetBytes(json));
        Assert.Equal([new ListChange(null, 7, "", false), new ListChange("news", 5, "", false)], document.ListChanges);
        Assert.Equal([new KeyValuePair<SuppressionReason, long>(SuppressionReason.Complaint, 8)], document.Suppressions);
    }

    [Fact]
    public void An_unknown_format_version_is_refused()
    {
        var json = Encoding.UTF8.GetString(ContactDocumentJson.Serialize(new ContactDocument("c1"))).Replace("\"v\":1", "\"v\":2");

        Assert.Throws<JsonException>(() => ContactDocumentJson.Deserialize(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Properties_are_read_in_any_order_and_unknown_ones_are_skipped()
    {
        // A store may hand the properties back reordered (events before the infos they point to) or with its own added.
        const string json = """
            {"events":[["639000000000000000","e1",1],[36000000000,"e2",0]],"extra":{"a":[1,{"b":null}]},"newestAt":"639000036000000000",
             "infos":[["email","open",null,"cmp-7"],["pixel","page_view",null,null,{"path":"/pricing"},["DE",null,"Berlin"]]],
             "id":"c1","v":1,"lists":{"newsletter":"subscribed"},"fields":{"mrr":620,"plan":"Pro","gone":null}}
            """;

        var document = ContactDocumentJson.Deserialize(Encoding.UTF8.GetBytes(json));

        Assert.Equal("c1", document.Id);
        Assert.Equal([("e1", "page_view", 639000000000000000L), ("e2", "open", 639000036000000000L)],
            document.Events.Select(e => (e.Id, e.Info.Name, e.At)));
        Assert.Equal(EmailAction.Open, document.Events[1].Info.Action);
        Assert.Equal("/pricing", document.Events[0].Info.Properties.Items.Single().Value.Text);
        Assert.Equal(new TextBag("DE", null, "Berlin"), document.Events[0].Info.Geo);
        Assert.Equal(620, document.GetField("mrr").Number);
        Assert.Equal("subscribed", document.RecordedListStatus("newsletter"));
    }

    [Theory]
    [InlineData("""{"v":1,"id":"c1","infos":[],"events":[["5","e1",0]],"newestAt":5}""")] // no info 0
    [InlineData("""{"v":1,"id":"c1","infos":[["email","open"]],"events":[["5","e1",0]]}""")] // no newestAt
    [InlineData("""{"v":1,"infos":[],"events":[],"newestAt":5}""")] // no id
    [InlineData("""{"v":1,"id":"c1","infos":[["email"]],"events":[],"newestAt":5}""")] // an info without a name
    [InlineData("""{"v":1,"id":"c1","infos":[["mail","open"]],"events":[],"newestAt":5}""")] // unknown kind
    [InlineData("""{"v":1,"id":"c1","infos":[],"events":[[5,"e1"]],"newestAt":5}""")] // an event without its info
    [InlineData("""{"v":1,"id":"c1","fields":{"mrr":{"t":"x"}},"infos":[],"events":[],"newestAt":5}""")] // a value without a kind
    [InlineData("""{"v":1,"id":"c1","infos":[],"events":[],"newestAt":"soon"}""")]
    [InlineData("""{"v":1,"id":"c1","infos":[],"events":[]""")] // cut short
    [InlineData("""[]""")]
    public void A_malformed_document_is_refused_as_json(string json) =>
        Assert.ThrowsAny<JsonException>(() => ContactDocumentJson.Deserialize(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void A_binary_document_cut_short_or_with_bytes_added_is_refused()
    {
        var document = RandomDataSets.Load(RandomDataSet.Generate(5, contacts: 20, definitions: 1)).Contacts.MaxBy(c => c.Events.Length)!;
        var stored = ContactDocumentBinary.Serialize(document);

        for (var length = 0; length < stored.Length; length++)
        {
            var cut = stored[..length];
            var error = Record.Exception(() => ContactDocumentBinary.Deserialize(cut));
            Assert.True(error is InvalidDataException or JsonException, $"cut at {length}: {error?.GetType().Name ?? "no error"}");
        }
        Assert.Throws<InvalidDataException>(() => ContactDocumentBinary.Deserialize([.. stored, 0]));
        Assert.Throws<InvalidDataException>(() => ContactDocumentBinary.Deserialize(ContactDocumentJson.Serialize(document)));
        Assert.True(ContactDocumentBinary.Holds(stored));
        Assert.False(ContactDocumentBinary.Holds(ContactDocumentJson.Serialize(document)));
    }

    [Fact]
    public void Heavy_contact_serializes_far_below_the_cosmos_item_limit()
    {
        // 50 events a day for three years, ids as long as GUIDs, folded a day at a time with the default options.
        var options = new FoldOptions();
        var folder = new ContactFolder(options);
        var document = new ContactDocument("heavy");
        var random = new Random(3);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var days = 3 * 365;
        for (var day = 0; day < days; day++)
        {
            var batch = Enumerable.Range(0, 50).Select(i => HeavyEvent(random, start.AddDays(day).AddSeconds(random.Next(86_400)), day)).ToList();
            var outcome = folder.Fold(document, batch);
            Assert.Empty(outcome.Refused);
            document = outcome.Document;
        }

        var size = ContactDocumentJson.Serialize(document).Length;
        output.WriteLine($"{document.Events.Length} retained events, {document.Compacted.Length} compacted totals, {size:N0} bytes");
        Assert.Equal(options.MaxRetainedEvents, document.Events.Length); // 400 days of 50 a day are over the cap
        Assert.True(size <= 1_000_000, $"{size:N0} bytes");
        DocumentAssert.Equal(document, RoundTrip(document, "json"));
        DocumentAssert.Equal(document, RoundTrip(document, "binary"));
    }

    private static ContactEvent HeavyEvent(Random random, DateTimeOffset at, int day)
    {
        var campaign = $"cmp-{day / 3}";
        var id = new Guid([.. Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256))]).ToString();
        var context = new TextBag("DE", "BE", "Berlin");
        var device = new TextBag("Gmail", "mobile", "Android");
        return random.Next(6) switch
        {
            0 => new ContactEvent { Id = id, ContactId = "heavy", Kind = EventKind.Email, Name = "sent", At = at, CampaignId = campaign },
            1 => new ContactEvent { Id = id, ContactId = "heavy", Kind = EventKind.Email, Name = "open", At = at, CampaignId = campaign, Geo = context, Device = device },
            2 => new ContactEvent { Id = id, ContactId = "heavy", Kind = EventKind.Email, Name = "click", At = at, CampaignId = campaign, Geo = context, Device = device },
            3 => new ContactEvent
            {
                Id = id,
                ContactId = "heavy",
                Kind = EventKind.Conversion,
                Name = "purchase",
                At = at,
                Value = random.Next(1, 500),
                Currency = "EUR",
            },
            _ => new ContactEvent
            {
                Id = id,
                ContactId = "heavy",
                Kind = EventKind.Pixel,
                Name = "page_view",
                At = at,
                Geo = context,
                Properties = new PropertyBag([new("path", ScalarValue.OfText($"/products/{random.Next(40)}"))]),
            },
        };
    }
}
