using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Segments.TestSupport.Serve;

/// <summary>
/// Clients posting events to <c>POST /api/events</c> as a sending pipeline does, each on its own connection, one
/// request at a time: batches of new events (pixel page views, email opens and clicks, purchases) dated out of order
/// over the last three days, and now and then a batch sent before, again and shuffled (a redelivery). Every event
/// it sent is in <see cref="Sent"/> and every event of a batch answered 202 in <see cref="Acknowledged"/> (by id, with
/// its contact); a batch refused or unanswered (the server stopping or killed) counts as not acknowledged, though it
/// may have reached the log. It may run again (after a restart, say): each run's clients send events of their own.
/// </summary>
public sealed class EventTraffic(int contacts, int seed, string? eventPrefix = null)
{
    private static readonly string[] Paths = ["/pricing", "/pricing/teams", "/docs", "/blog"];

    private readonly ConcurrentDictionary<string, string> _sent = new();
    private readonly ConcurrentDictionary<string, string> _acknowledged = new();
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly string _prefix = eventPrefix ?? $"s{seed}";
    private long _requests;
    private long _refused;
    private int _runs;

    public IReadOnlyDictionary<string, string> Sent => _sent;

    public IReadOnlyDictionary<string, string> Acknowledged => _acknowledged;

    /// <summary>Requests answered 202.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests answered otherwise (503 while stopping or past the backlog bound) or not at all.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public static string ContactId(int i) => $"c{i:D5}";

    /// <summary>Posts until <paramref name="stop"/>, or until <paramref name="batches"/> per client are acknowledged.</summary>
    public Task RunAsync(Uri api, string apiKey, int clients, int batchSize, CancellationToken stop, int batches = int.MaxValue)
    {
        // A later run's clients are numbered on from the earlier ones', so their event ids are new.
        var first = (Interlocked.Increment(ref _runs) - 1) * 1_000;
        return Task.WhenAll(Enumerable.Range(first, clients)
            .Select(client => Task.Run(() => ClientAsync(api, apiKey, client, batchSize, batches, stop), CancellationToken.None)));
    }

    private async Task ClientAsync(Uri api, string apiKey, int client, int batchSize, int batches, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var random = new Random((seed * 1_000) + client);
        var earlier = new List<List<(string Id, string Contact, string Json)>>();
        var next = 0;
        var acknowledged = 0;
        while (!stop.IsCancellationRequested && acknowledged < batches)
        {
            List<(string Id, string Contact, string Json)> batch = earlier.Count > 0 && random.Next(5) == 0
                ? [.. earlier[random.Next(earlier.Count)].OrderBy(_ => random.Next())]
                : [.. Enumerable.Range(0, batchSize).Select(_ => NewEvent(random, $"{_prefix}-{client}-{next++}"))];
            earlier.Add(batch);
            foreach (var (id, contact, _) in batch)
            {
                _sent[id] = contact;
            }
            try
            {
                using var content = new StringContent($"[{string.Join(",", batch.Select(e => e.Json))}]", Encoding.UTF8, "application/json");
                using var response = await http.PostAsync("events", content, stop);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    foreach (var (id, contact, _) in batch)
                    {
                        _acknowledged[id] = contact;
                    }
                    Interlocked.Increment(ref _requests);
                    acknowledged++;
                    continue;
                }
                Interlocked.Increment(ref _refused);
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(50), stop);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
            {
                // The server is stopping, killed or not up yet: the batch is not acknowledged.
                Interlocked.Increment(ref _refused);
                if (!stop.IsCancellationRequested)
                {
                    await Task.Delay(50, CancellationToken.None);
                }
            }
        }
    }

    private (string Id, string Contact, string Json) NewEvent(Random random, string id)
    {
        var contact = ContactId(random.Next(contacts));
        var at = (_now - TimeSpan.FromSeconds(random.Next(3 * 86_400))).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var head = $$"""{"id":"{{id}}","contactId":"{{contact}}","at":"{{at}}",""";
        var json = random.Next(6) switch
        {
            0 or 1 => head + $$$"""
                "kind":"pixel","name":"page_view","properties":{"path":"{{{Paths[random.Next(Paths.Length)]}}}"}}
                """,
            2 => head + $$"""
                "kind":"email","name":"open","campaignId":"cmp-{{random.Next(3)}}"}
                """,
            3 => head + $$"""
                "kind":"email","name":"click","campaignId":"cmp-{{random.Next(3)}}"}
                """,
            4 => head + $$"""
                "kind":"conversion","name":"purchase","value":{{random.Next(1, 300)}},"currency":"EUR"}
                """,
            _ => head + $$"""
                "kind":"email","name":"delivered","campaignId":"cmp-{{random.Next(3)}}"}
                """,
        };
        return (id, contact, json);
    }
}
