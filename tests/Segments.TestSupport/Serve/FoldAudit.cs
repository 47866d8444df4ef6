using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Segments.Embedded.Contacts;
using Segments.Engine.Documents;

namespace Segments.TestSupport.Serve;

/// <summary>
/// What a run of <see cref="EventTraffic"/> left in the contact documents of a data folder, read from its SQLite file
/// (the running service's store, read beside it): every acknowledged event must be folded, none twice, and nothing
/// folded that was never sent.
/// </summary>
public sealed record FoldAudit(int Acknowledged, int Sent, int Folded, IReadOnlyList<string> Lost, IReadOnlyList<string> Doubled,
    IReadOnlyList<string> Unknown)
{
    public bool Exact => Lost.Count == 0 && Doubled.Count == 0 && Unknown.Count == 0;

    public override string ToString() =>
        $"{Acknowledged:N0} acknowledged, {Sent:N0} sent, {Folded:N0} folded: {Lost.Count} lost, {Doubled.Count} folded twice, {Unknown.Count} never sent" +
        (Exact ? "" : $" (lost {string.Join(", ", Lost.Take(5))}; twice {string.Join(", ", Doubled.Take(5))}; unknown {string.Join(", ", Unknown.Take(5))})");

    public static async Task<FoldAudit> OfAsync(string dataDirectory, EventTraffic traffic)
    {
        var folded = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var document in await DocumentsAsync(dataDirectory, traffic.Sent.Values.Distinct()))
        {
            foreach (var e in document.Events)
            {
                folded[e.Id] = folded.GetValueOrDefault(e.Id) + 1;
            }
        }
        SqliteConnection.ClearAllPools();
        return new FoldAudit(traffic.Acknowledged.Count, traffic.Sent.Count, folded.Values.Sum(),
            [.. traffic.Acknowledged.Keys.Where(id => !folded.ContainsKey(id)).Order()],
            [.. folded.Where(f => f.Value > 1).Select(f => f.Key).Order()],
            [.. folded.Keys.Where(id => !traffic.Sent.ContainsKey(id)).Order()]);
    }

    /// <summary>The contacts' documents as the service stored them (absent ones left out).</summary>
    public static async Task<List<ContactDocument>> DocumentsAsync(string dataDirectory, IEnumerable<string> contacts)
    {
        var store = new SqliteContactStore(await SqliteDatabase.OpenAsync(Path.Combine(dataDirectory, "contacts.db")));
        var documents = new List<ContactDocument>();
        foreach (var contact in contacts)
        {
            if (await store.ReadAsync(ServeProcess.Tenant, contact) is { } stored)
            {
                documents.Add(stored.Document);
            }
        }
        return documents;
    }

    /// <summary>
    /// Waits until the service has folded every event its log held when this was called. The fold takes the log in
    /// order, a batch at a time, each finished before the next begins: once a first marker event shows in its document,
    /// its batch is being folded; a second one, appended after that, lies in a later batch, so once it shows, every
    /// event before the first marker is folded.
    /// </summary>
    public static async Task WaitUntilFoldedAsync(HttpClient api, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        for (var marker = 0; marker < 2; marker++)
        {
            var id = $"marker-{Guid.NewGuid():N}";
            var at = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            using var content = new StringContent($$"""[{"id":"{{id}}","contactId":"marker","kind":"email","name":"delivered","at":"{{at}}"}]""",
                Encoding.UTF8, "application/json");
            var before = await FoldedCountAsync(api, timeout.Token);
            (await api.PostAsync("events", content, timeout.Token)).EnsureSuccessStatusCode();
            while (await FoldedCountAsync(api, timeout.Token) <= before)
            {
                await Task.Delay(100, timeout.Token);
            }
        }
    }

    private static async Task<int> FoldedCountAsync(HttpClient api, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync("contacts/marker", cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return 0;
        }
        response.EnsureSuccessStatusCode();
        var contact = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return contact.GetProperty("activity").GetProperty("events").GetInt32();
    }
}
