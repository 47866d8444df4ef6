using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Segments.Engine.Evaluation;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.TestSupport.Serve;

/// <summary>
/// Segments over what <see cref="EventTraffic"/> sends (page views, opens, clicks, purchases), each used by a drip and
/// a trigger, so every folded event makes the service re-evaluate and record memberships, changes, enrolments and
/// firings. <see cref="AuditAsync"/> then checks, through the API, that tracking kept up exactly.
/// </summary>
public static class TrackingWorkload
{
    /// <summary>Twelve definitions: the pixel, email and conversion conditions a marketer's drips use, a NOT and an AND among them.</summary>
    public static readonly IReadOnlyList<(string Id, string Match)> Segments =
    [
        ("pricing", """{"pixel":{"event":"page_view","where":[{"property":"path","op":"starts_with","value":"/pricing"}],"within":"30d"}}"""),
        ("docs", """{"pixel":{"event":"page_view","where":[{"property":"path","op":"eq","value":"/docs"}],"within":"30d"}}"""),
        ("frequent", """{"pixel":{"event":"page_view","within":"30d","count":{"op":"gte","value":3}}}"""),
        ("opened", """{"engagement":{"event":"open","within":"30d"}}"""),
        ("opened-twice", """{"engagement":{"event":"open","within":"30d","count":{"op":"gte","value":2}}}"""),
        ("clicked", """{"engagement":{"event":"click","within":"30d"}}"""),
        ("clicked-cmp-1", """{"engagement":{"event":"click","within":"30d","campaign":"cmp-1"}}"""),
        ("engaged", """{"engagement":{"event":"engaged","within":"14d"}}"""),
        ("buyers", """{"conversion":{"event":"purchase","within":"90d"}}"""),
        ("big-buyers", """{"conversion":{"event":"purchase","within":"90d","value":{"op":"gte","value":200}}}"""),
        ("never-opened", """{"not":{"engagement":{"event":"open","within":"30d"}}}"""),
        ("pricing-not-bought", """{"and":[{"segment":{"id":"pricing"}},{"not":{"segment":{"id":"buyers"}}}]}"""),
    ];

    /// <summary>
    /// Saves the segments and, for the first <paramref name="used"/> of them, a drip and a trigger (on entered, or on left
    /// for every other), and with <paramref name="awaitBaselines"/> waits until each one's baseline is recorded. Without
    /// the wait, the traffic that follows races the baselines: exact through a stop (a batch that a stop cuts short is
    /// tracked as far as it was written) and through a kill -9 between a batch's writes and their tracking (what each
    /// contact was before a write is recorded before the write while a baseline runs, see MembershipTracker.OnWritingAsync).
    /// </summary>
    public static async Task DefineAsync(HttpClient api, int used, bool awaitBaselines = true)
    {
        foreach (var (id, match) in Segments)
        {
            await PutAsync(api, $"segments/{id}", $$"""{"name":"{{id}}","match":{{match}}}""");
        }
        foreach (var (id, i) in Segments.Take(used).Select((s, i) => (s.Id, i)))
        {
            await PutAsync(api, $"drips/d-{id}", $$"""{"segment":"{{id}}"}""");
            await PutAsync(api, $"triggers/t-{id}", $$"""{"segment":"{{id}}","on":"{{(i % 2 == 0 ? "entered" : "left")}}"}""");
        }
        foreach (var path in Segments.Take(awaitBaselines ? used : 0).SelectMany(s => new[] { $"drips/d-{s.Id}", $"triggers/t-{s.Id}" }))
        {
            await BaselineRecordedAsync(api, path);
        }
    }

    public static async Task BaselineRecordedAsync(HttpClient api, string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await api.GetFromJsonAsync<JsonElement>(path)).GetProperty("baseline").GetProperty("status").GetString() != "completed")
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the baseline of {path} was not recorded within 2 minutes");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// For each of the first <paramref name="used"/> segments: each contact's changes alternate, entering first (every
    /// contact was new); the contacts whose last change is "entered" are exactly the members the engine finds in the
    /// stored documents; the drip enrolled each contact that ever entered once; the trigger fired once for each change of
    /// its kind. Empty when all holds, else what did not.
    /// </summary>
    public static async Task<IReadOnlyList<string>> AuditAsync(HttpClient api, string dataDirectory, IEnumerable<string> contacts, int used)
    {
        var problems = new List<string>();
        var audited = contacts.ToHashSet();
        var documents = await FoldAudit.DocumentsAsync(dataDirectory, audited);
        var set = new SegmentSet(Segments.Select(s =>
            DefinitionParser.Parse($$"""{"id":"{{s.Id}}","name":"{{s.Id}}","match":{{s.Match}}}""", FieldSchema.Empty).Definition!));
        var now = DateTimeOffset.UtcNow;
        foreach (var (id, i) in Segments.Take(used).Select((s, i) => (s.Id, i)))
        {
            // Other writers (the marker events of FoldAudit.WaitUntilFoldedAsync) are not audited.
            var changes = (await PagesAsync(api, $"segments/{id}/changes", "changes")).Where(c => audited.Contains(c.GetProperty("contact").GetString()!)).ToList();
            var last = new Dictionary<string, string>();
            foreach (var change in changes)
            {
                var (contact, kind) = (change.GetProperty("contact").GetString()!, change.GetProperty("kind").GetString()!);
                if (kind == last.GetValueOrDefault(contact, "left"))
                {
                    problems.Add($"{id}: {contact} {kind} twice in a row");
                }
                last[contact] = kind;
            }
            var tracked = last.Where(l => l.Value == "entered").Select(l => l.Key).Order().ToList();
            var members = set[id].Members(documents, now).Order().ToList();
            if (!tracked.SequenceEqual(members))
            {
                problems.Add($"{id}: {tracked.Count} tracked members, {members.Count} evaluated; differ at " +
                    string.Join(", ", tracked.Except(members).Concat(members.Except(tracked)).Take(5)));
            }
            var enrolled = (await PagesAsync(api, $"drips/d-{id}/enrollments", "records")).Select(r => r.GetProperty("contact").GetString()!)
                .Where(audited.Contains).ToList();
            var entered = changes.Where(c => c.GetProperty("kind").GetString() == "entered").Select(c => c.GetProperty("contact").GetString()!)
                .Distinct().Order().ToList();
            if (!enrolled.Order().SequenceEqual(entered))
            {
                problems.Add($"drip d-{id}: {enrolled.Count} enrolments ({enrolled.Distinct().Count()} contacts) for {entered.Count} contacts that entered");
            }
            var on = i % 2 == 0 ? "entered" : "left";
            var fired = (await PagesAsync(api, $"triggers/t-{id}/firings", "records")).Where(r => audited.Contains(r.GetProperty("contact").GetString()!))
                .Select(r => r.GetProperty("change").GetInt64()).ToList();
            var expected = changes.Where(c => c.GetProperty("kind").GetString() == on).Select(c => c.GetProperty("sequence").GetInt64()).ToList();
            if (!fired.SequenceEqual(expected))
            {
                problems.Add($"trigger t-{id}: {fired.Count} firings for {expected.Count} changes '{on}'");
            }
        }
        return problems;
    }

    /// <summary>Every item of a paged record (changes, enrolments, firings), page by page.</summary>
    public static async Task<List<JsonElement>> PagesAsync(HttpClient api, string path, string items)
    {
        var all = new List<JsonElement>();
        long since = 0;
        while (true)
        {
            var page = await api.GetFromJsonAsync<JsonElement>($"{path}?since={since}&limit=1000");
            var found = page.GetProperty(items).EnumerateArray().Select(e => e.Clone()).ToList();
            if (found.Count == 0)
            {
                return all;
            }
            all.AddRange(found);
            since = page.GetProperty("next").GetInt64();
        }
    }

    /// <summary>PUTs <paramref name="json"/> and answers the saved resource; anything but success throws with the answer.</summary>
    public static async Task<JsonElement> PutAsync(HttpClient api, string path, string json)
    {
        using var response = await api.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT {path}: {(int)response.StatusCode} {body}");
        }
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }
}
