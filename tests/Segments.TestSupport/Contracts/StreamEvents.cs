using System.Globalization;
using System.Text;
using Segments.Core.Streaming;

namespace Segments.TestSupport.Contracts;

/// <summary>
/// Seeded event deliveries for stream and store tests: email, pixel and conversion events over a few contacts,
/// including clicks before conversions (attribution), hard bounces and list unsubscribes (implied effects).
/// Linked into the adapter test projects, so it depends on nothing but Core.
/// </summary>
public static class StreamEvents
{
    public static readonly DateTimeOffset Start = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    public static string ContactId(int i) => $"c{i:D3}";

    /// <summary><paramref name="count"/> distinct events (ids e00000...) spread over <paramref name="contacts"/> contacts and 30 days.</summary>
    public static List<string> Generate(int seed, int count, int contacts)
    {
        var random = new Random(seed);
        var events = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var contact = ContactId(random.Next(contacts));
            var at = Start.AddSeconds(random.Next(30 * 86_400)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var campaign = $"cmp-{random.Next(5)}";
            var head = $$"""{"id":"e{{seed:D2}}{{i:D5}}","contactId":"{{contact}}","at":"{{at}}",""";
            events.Add(random.Next(8) switch
            {
                0 => head + $$"""
                    "kind":"email","name":"sent","campaignId":"{{campaign}}"}
                    """,
                1 => head + $$$"""
                    "kind":"email","name":"open","campaignId":"{{{campaign}}}","geo":{"country":"DE","city":"Berlin"}}
                    """,
                2 => head + $$$"""
                    "kind":"email","name":"click","campaignId":"{{{campaign}}}","device":{"client":"Gmail","type":"mobile"}}
                    """,
                3 => head + $$"""
                    "kind":"conversion","name":"purchase","value":{{random.Next(1, 300)}},"currency":"EUR"}
                    """,
                4 => head + """
                    "kind":"email","name":"bounce","properties":{"bounceType":"hard"}}
                    """,
                5 => head + """
                    "kind":"email","name":"unsubscribe","properties":{"listId":"news"}}
                    """,
                _ => head + $$$"""
                    "kind":"pixel","name":"page_view","properties":{"path":"/p/{{{random.Next(20)}}}"}}
                    """,
            });
        }
        return events;
    }

    public static StreamMessage Message(string tenant, string json, string position) =>
        new(tenant, Encoding.UTF8.GetBytes(json), position);

    /// <summary>Deliveries of <paramref name="events"/> for a tenant, positioned by index (as a replayed partition would be).</summary>
    public static List<StreamMessage> Messages(string tenant, IEnumerable<string> events, string partition = "p0") =>
        [.. events.Select((json, i) => Message(tenant, json, $"{partition}/{i}"))];
}
