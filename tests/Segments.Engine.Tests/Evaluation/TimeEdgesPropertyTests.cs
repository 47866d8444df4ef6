using System.Text.Json;
using CsCheck;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Input;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Engine.Tests.Evaluation;

/// <summary>
/// Time edges against evaluation, for random contacts and random definitions of every condition kind, every window
/// and every relative date operator. All data lies on an hour grid (events, dates, durations), so membership can only
/// change at a grid instant or one tick after it (where a bound is strict): walking from before all data to after it,
/// edge to edge, membership is checked at every such instant between T and its next edge, and at the instant just
/// before the edge. Nothing may change before the edge; at the edge, membership is evaluated again as the next T.
/// </summary>
public class TimeEdgesPropertyTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Data spans 20 days; durations reach at most a week past it.</summary>
    private const int DataHours = 20 * 24;

    private static readonly DateTimeOffset End = Start.AddDays(30);

    private static readonly FieldSchema Schema = InputReader.ReadSchema(JsonDocument.Parse(
        """{"fields":{"trial_ends":"date","renews":"date","plan":"text","mrr":"number","vip":"boolean"}}""").RootElement).Schema!;

    [Fact]
    public void Membership_never_changes_between_T_and_the_next_time_edge()
    {
        var changes = 0L;
        World.Sample(world => Interlocked.Add(ref changes, CheckWorld(world)), iter: 150, print: w => w.ToString());
        // The worlds are worth walking: membership does change with time in them, about once a world at least.
        Assert.True(changes > 150, $"membership changed at only {changes} edges in 150 worlds");
    }

    /// <returns>How many edges changed membership.</returns>
    private static long CheckWorld(World world)
    {
        var changes = 0L;
        var set = new SegmentSet(world.Definitions);
        var byId = world.Definitions.ToDictionary(d => d.Id);
        foreach (var definition in world.Definitions)
        {
            var segment = set[definition.Id];
            var edges = TimeEdges.Of(definition, byId);
            foreach (var contact in world.Contacts)
            {
                var t = Start.AddDays(-1);
                var member = segment.Matches(contact, new AsOf(t));
                while (t < End)
                {
                    var before = member;
                    member = segment.Matches(contact, new AsOf(t));
                    changes += member == before ? 0 : 1;
                    var next = edges.Next(contact, t) ?? End;
                    Assert.True(next > t, $"{definition.Id}: the next edge {next:O} is not after T {t:O}");
                    foreach (var probe in Probes(t, next < End ? next : End))
                    {
                        if (segment.Matches(contact, new AsOf(probe)) != member)
                        {
                            Assert.Fail($"{definition.Id} for {contact.Id}: {(member ? "member" : "not a member")} at {t:O}, but not at {probe:O}, "
                                + $"before the next edge {(next < End ? next.ToString("O") : "(none)")}");
                        }
                    }
                    t = next;
                }
            }
        }
        return changes;
    }

    /// <summary>Every grid instant and the tick after it strictly between <paramref name="t"/> and <paramref name="edge"/>, and the tick before the edge.</summary>
    private static IEnumerable<DateTimeOffset> Probes(DateTimeOffset t, DateTimeOffset edge)
    {
        for (var hour = Start.AddHours(Math.Floor((t - Start).TotalHours)); hour < edge; hour = hour.AddHours(1))
        {
            foreach (var probe in new[] { hour, hour.AddTicks(1) })
            {
                if (probe > t && probe < edge)
                {
                    yield return probe;
                }
            }
        }
        yield return edge.AddTicks(-1);
    }

    /// <summary>A tenant: fold options that compact (or not), folded contacts and definitions that may reference earlier ones.</summary>
    private sealed record World(FoldOptions Options, string[] ContactLines, string[][] EventLines, string[] Matches)
    {
        public IReadOnlyList<ContactDocument> Contacts { get; } = Fold(Options, ContactLines, EventLines);

        public IReadOnlyList<SegmentDefinition> Definitions { get; } = [.. Matches.Select((match, i) => Parse($"s{i}", match))];

        public static void Sample(Action<World> check, long iter, Func<World, string> print) =>
            Gen.Select(Folding, Contact.Array[1, 4], Condition(0).Array[1, 6], (options, contacts, matches) => new World(
                    options,
                    [.. contacts.Select((c, i) => c.Profile.Replace("@id", $"c{i}"))],
                    [.. contacts.Select((c, i) => c.Events.Select((e, k) => e.Replace("@id", $"e{k}").Replace("@contact", $"c{i}")).ToArray())],
                    [.. matches.Select((match, i) => match(i))]))
                .Sample(check, iter: iter, print: print);

        public override string ToString() =>
            $"options: horizon {Options.Horizon.TotalDays} days, at most {Options.MaxRetainedEvents} events\n"
            + string.Join("\n", ContactLines.Select((c, i) => $"{c}\n  " + string.Join("\n  ", EventLines[i])))
            + "\n" + string.Join("\n", Matches.Select((m, i) => $"s{i}: {m}"));

        private static ContactDocument[] Fold(FoldOptions options, string[] contacts, string[][] events)
        {
            var folder = new ContactFolder(options);
            return [.. contacts.Select((line, i) =>
            {
                var profile = InputReader.ReadContact(JsonDocument.Parse(line).RootElement).Contact!;
                var read = events[i].Select(e => InputReader.ReadEvent(JsonDocument.Parse(e).RootElement).Event!).ToList();
                return folder.Fold(new ContactDocument(profile.Id).WithProfile(profile), read).Document;
            })];
        }

        private static SegmentDefinition Parse(string id, string match)
        {
            var (definition, errors) = DefinitionParser.Parse($$"""{"id":"{{id}}","name":"{{id}}","match":{{match}}}""", Schema);
            Assert.True(errors.Count == 0, $"{match}: {string.Join("; ", errors)}");
            return definition!;
        }
    }

    // --- data -----------------------------------------------------------------------------------------------

    /// <summary>A short horizon and a low cap compact events, so compacted totals and opt-outs outlive their events.</summary>
    private static readonly Gen<FoldOptions> Folding = Gen.Select(Gen.OneOf(2, 5, 400), Gen.OneOf(3, 6, 10_000),
        (days, cap) => new FoldOptions { Horizon = TimeSpan.FromDays(days), MaxRetainedEvents = cap });

    private static readonly Gen<string> Hour = Gen.Int[0, DataHours].Select(h => $"\"{Rfc3339.Format(Start.AddHours(h))}\"");

    /// <summary>A date field's value: an instant on the grid, a UTC day, or nothing.</summary>
    private static readonly Gen<string?> DateValue = Gen.Frequency(
        (3, Hour.Select(h => (string?)h)),
        (2, Gen.Int[0, DataHours / 24].Select(d => (string?)$"\"{Start.AddDays(d):yyyy-MM-dd}\"")),
        (1, Gen.Const((string?)null)));

    private static readonly Gen<string> Status = Gen.OneOf("subscribed", "unsubscribed");

    private static readonly Gen<(string Profile, string[] Events)> Contact = Gen.Select(
        Hour, DateValue, DateValue, Gen.OneOf("null", "\"subscribed\"", "\"unsubscribed\""), Status, Event.Array[0, 10],
        (created, trialEnds, renews, news, promo, events) => (
            $$$"""{"id":"@id","createdAt":{{{created}}},"fields":{"trial_ends":{{{trialEnds ?? "null"}}},"renews":{{{renews ?? "null"}}},"plan":"pro","mrr":40},"lists":{{{{(news == "null" ? "" : $"\"news\":{news},")}}}"promo":"{{{promo}}}"}}""",
            events));

    private static Gen<string> Event => Gen.Frequency(
        (5, Gen.Select(EmailAction, Gen.OneOf("null", "\"c1\"", "\"c2\""), Gen.Int[0, 4], Hour, Context,
            (action, campaign, bot, at, context) =>
                $$"""{"id":"@id","contactId":"@contact","kind":"email","name":"{{action.Name}}","at":{{at}},"campaignId":{{campaign}},"properties":{{{action.Property}}},"bot":{{(bot == 0 ? "true" : "false")}}{{context}}}""")),
        (2, Gen.Select(Gen.OneOf("page_view", "add_to_cart"), Gen.OneOf("/pricing", "/blog"), Gen.Int[0, 100], Hour, Context,
            (name, path, total, at, context) =>
                $$"""{"id":"@id","contactId":"@contact","kind":"pixel","name":"{{name}}","at":{{at}},"properties":{"path":"{{path}}","total":{{total}}}{{context}}}""")),
        (2, Gen.Select(Gen.OneOf("purchase", "signup"), Gen.OneOf("null", "\"c1\""), Gen.Int[0, 100], Hour, Context,
            (name, campaign, value, at, context) =>
                $$"""{"id":"@id","contactId":"@contact","kind":"conversion","name":"{{name}}","at":{{at}},"campaignId":{{campaign}},"value":{{value}}{{context}}}""")));

    /// <summary>
    /// An email event's name and properties. Unsubscribes from a list are frequent: their opt-outs outlive the events
    /// when a bot's event is dropped by compaction, or when two of them are compacted into one total.
    /// </summary>
    private static Gen<(string Name, string Property)> EmailAction => Gen.Frequency(
        (5, Gen.OneOf("sent", "delivered", "open", "click", "complaint").Select(name => (name, ""))),
        (1, Gen.OneOf("", "\"bounceType\":\"hard\"").Select(property => ("bounce", property))),
        (3, Gen.OneOf("", "\"listId\":\"news\"", "\"listId\":\"promo\"").Select(property => ("unsubscribe", property))),
        (2, Gen.OneOf("", "\"listId\":\"news\"", "\"listId\":\"promo\"").Select(property => ("subscribe", property))),
        (1, Gen.Const(("open", "\"machine\":true"))));

    private static Gen<string> Context => Gen.Select(Gen.OneOf("", ",\"geo\":{\"country\":\"DE\"}", ",\"geo\":{\"country\":\"FR\"}"),
        Gen.OneOf("", ",\"device\":{\"type\":\"mobile\"}", ",\"device\":{\"type\":\"desktop\"}"), (geo, device) => geo + device);

    // --- definitions ----------------------------------------------------------------------------------------

    /// <summary>Whole hours, in every unit the language has.</summary>
    private static readonly Gen<string> Duration = Gen.OneOf("60m", "180m", "1h", "6h", "30h", "1d", "2d", "3d", "1w");

    private static readonly Gen<string> Within = Gen.OneOf(Gen.Const(""), Duration.Select(d => $",\"within\":\"{d}\""));

    private static readonly Gen<string> Count = Gen.OneOf("", ",\"count\":{\"op\":\"gte\",\"value\":2}", ",\"count\":{\"op\":\"eq\",\"value\":0}",
        ",\"count\":{\"op\":\"lt\",\"value\":2}", ",\"count\":{\"op\":\"between\",\"value\":[1,2]}");

    /// <summary>A condition of definition <c>s{i}</c>, given i; a reference names an earlier definition (the first has none to name).</summary>
    private static Gen<Func<int, string>> Condition(int depth) => depth >= 3 ? Leaf : Gen.Frequency(
        (6, Leaf),
        (1, Gen.Select(Gen.OneOf("and", "or"), Gen.Int[1, 3].SelectMany(n => Condition(depth + 1).Array[n]), (key, items) =>
            (Func<int, string>)(i => $$"""{"{{key}}":[{{string.Join(",", items.Select(item => item(i)))}}]}"""))),
        (1, Condition(depth + 1).Select(inner => (Func<int, string>)(i => $$"""{"not":{{inner(i)}}}"""))));

    private static Gen<Func<int, string>> Leaf => Gen.OneOf(
        Fixed(RelativeDate), Fixed(Field), Fixed(Engagement), Fixed(Pixel), Fixed(Conversion), Fixed(List), Fixed(Geo), Fixed(Device),
        Fixed(Gen.OneOf("""{"everyone":{}}""", """{"bucket":{"seed":"s","from":0,"to":49}}""")),
        Gen.Int[0, 99].Select(r => (Func<int, string>)(i => i == 0 ? """{"list":{"id":"news"}}""" : $$$"""{"segment":{"id":"s{{{r % i}}}"}}""")));

    private static Gen<Func<int, string>> Fixed(Gen<string> condition) => condition.Select(c => (Func<int, string>)(_ => c));

    private static Gen<string> RelativeDate => Gen.Select(Gen.OneOf("trial_ends", "renews", "created_at"),
        Gen.OneOf(Words.All<RelativeDateOperator>().ToArray()), Duration,
        (name, op, duration) => $$$"""{"field":{"name":"{{{name}}}","op":"{{{op}}}","value":"{{{duration}}}"}}""");

    private static Gen<string> Field => Gen.OneOf(
        """{"field":{"name":"trial_ends","op":"before","value":"2026-01-10"}}""", """{"field":{"name":"renews","op":"exists"}}""",
        """{"field":{"name":"plan","op":"eq","value":"pro"}}""", """{"field":{"name":"mrr","op":"gt","value":10}}""",
        """{"field":{"name":"vip","op":"not_exists"}}""");

    private static Gen<string> Engagement => Gen.Select(Gen.OneOf(Words.All<EngagementEvent>().ToArray()), Within, Count,
        Gen.OneOf("", ",\"campaign\":\"c1\"", ",\"campaign\":\"last\""),
        (e, within, count, campaign) => $$$"""{"engagement":{"event":"{{{e}}}"{{{within}}}{{{count}}}{{{campaign}}}}}""");

    private static Gen<string> Pixel => Gen.Select(Gen.OneOf("page_view", "add_to_cart"),
        Gen.OneOf("", ",\"where\":[{\"property\":\"total\",\"op\":\"gt\",\"value\":50}]", ",\"where\":[{\"property\":\"path\",\"op\":\"eq\",\"value\":\"/pricing\"}]"),
        Within, Gen.OneOf(Count, Gen.Const(",\"seen\":\"last\"")),
        (e, where, within, count) => $$$"""{"pixel":{"event":"{{{e}}}"{{{where}}}{{{within}}}{{{count}}}}}""");

    private static Gen<string> Conversion => Gen.Select(Gen.OneOf("", "\"event\":\"purchase\",", "\"event\":\"signup\","),
        Gen.OneOf("\"where\":[]", "\"where\":[{\"property\":\"x\",\"op\":\"not_exists\"}]"), Within,
        Gen.OneOf("", ",\"count\":{\"op\":\"gte\",\"value\":2}", ",\"value\":{\"op\":\"gt\",\"value\":60}", ",\"value\":{\"op\":\"lte\",\"value\":50}"),
        Gen.OneOf("", ",\"campaign\":\"c1\"", ",\"campaign\":\"any\""),
        (e, where, within, count, campaign) => $$$"""{"conversion":{{{{e}}}{{{where}}}{{{within}}}{{{count}}}{{{campaign}}}}}""");

    private static Gen<string> List => Gen.Select(Gen.OneOf("news", "promo"), Gen.OneOf(Words.All<ListStatusFilter>().ToArray()),
        (list, status) => $$$"""{"list":{"id":"{{{list}}}","status":"{{{status}}}"}}""");

    private static Gen<string> Geo => Gen.Select(Gen.OneOf("", "\"country\":{\"op\":\"eq\",\"value\":\"DE\"},"), Within, Gen.OneOf("last", "any"),
        (country, within, seen) => $$$"""{"geo":{{{{country}}}"seen":"{{{seen}}}"{{{within}}}}}""");

    private static Gen<string> Device => Gen.Select(Gen.OneOf("", "\"type\":{\"op\":\"eq\",\"value\":\"mobile\"},"), Within, Gen.OneOf("last", "any"),
        (type, within, seen) => $$$"""{"device":{{{{type}}}"seen":"{{{seen}}}"{{{within}}}}}""");
}
