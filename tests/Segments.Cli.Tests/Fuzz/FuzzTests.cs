using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Segments.TestSupport.Serve;
using Xunit.Abstractions;

namespace Segments.Cli.Tests.Fuzz;

/// <summary>
/// Every operation of the OpenAPI document that a running `segments serve` publishes, called with seeded generated
/// requests (<see cref="RequestGenerator"/>): no answer is a 5xx, and the service still answers afterwards. The count
/// and the seed come from SEGMENTS_FUZZ_REQUESTS and SEGMENTS_FUZZ_SEED (the seed of a failure is in its message, so
/// it reproduces); SEGMENTS_FUZZ_TRACE=<c>"PUT /api/drips"</c> prints the requests of the operations it names. Routes added to the document later are fuzzed without a change here.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int DefaultRequests = 20_000;
    private const int DefaultSeed = 20261206;

    [Fact]
    public async Task Generated_requests_to_every_route_of_the_openapi_document_get_no_5xx_and_the_service_still_answers()
    {
        var requests = Setting("SEGMENTS_FUZZ_REQUESTS", DefaultRequests);
        var seed = Setting("SEGMENTS_FUZZ_SEED", DefaultSeed);
        var trace = Environment.GetEnvironmentVariable("SEGMENTS_FUZZ_TRACE"); // an operation ("PUT /api/drips") whose requests are printed
        var data = Directory.CreateTempSubdirectory("segments-fuzz-").FullName;
        await using var serve = await ServeProcess.StartAsync(data, new Dictionary<string, string>
        {
            // The generator sends wrong keys on purpose; throttling them would answer most requests 429 before a handler.
            ["Segments__Authentication__FailuresPerWindow"] = "1000000",
        });
        await SeedAsync(serve.Client);
        var document = await serve.Client.GetFromJsonAsync<JsonElement>("openapi.json");
        var operations = ApiOperation.Read(document);
        Assert.True(operations.Count >= 27, string.Join(", ", operations));

        var failures = new ConcurrentQueue<string>();
        var counts = new ConcurrentDictionary<string, int>();
        var statuses = new ConcurrentDictionary<string, int>();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8 }) { BaseAddress = new Uri(serve.Origin), Timeout = TimeSpan.FromSeconds(60) };
        // Four workers, each its own seeded generator over its share of the requests, operations in turn.
        await Parallel.ForEachAsync(Enumerable.Range(0, 4), async (worker, cancellationToken) =>
        {
            var generator = new RequestGenerator(document, new Random(seed + worker), ServeProcess.ApiKey, ServeProcess.PixelKey, serve.Origin);
            for (var i = worker; i < requests; i += 4)
            {
                var request = generator.Next(operations[i % operations.Count]);
                var (status, body) = await SendAsync(client, request, cancellationToken);
                counts.AddOrUpdate(request.Operation.ToString(), 1, (_, n) => n + 1);
                statuses.AddOrUpdate($"{request.Operation} {status}", 1, (_, n) => n + 1);
                if (trace is not null && request.Operation.ToString().Contains(trace, StringComparison.Ordinal))
                {
                    output.WriteLine($"{request}\n→ {status} {body}\n");
                }
                if (status >= 500)
                {
                    failures.Enqueue($"request {i} (seed {seed}, worker {worker}): {status}\n{request}\n→ {body}");
                }
            }
        });

        output.WriteLine($"{requests} requests, seed {seed}; answers by operation and status:");
        output.WriteLine(string.Join("\n", statuses.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}")));
        Assert.True(failures.IsEmpty, $"{failures.Count} answers of 5xx; the first:\n{string.Join("\n\n", failures.Take(5))}\n\nserve said:\n{Tail(serve.Output)}");
        Assert.Equal(operations.Count, counts.Count);
        Assert.False(serve.HasExited, serve.Output);
        Assert.Equal(HttpStatusCode.OK, (await serve.Client.GetAsync("segments")).StatusCode);
    }

    private static async Task<(int Status, string Body)> SendAsync(HttpClient client, FuzzRequest request, CancellationToken cancellationToken)
    {
        using var message = request.ToMessage();
        try
        {
            using var response = await client.SendAsync(message, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return ((int)response.StatusCode, body.Length > 2000 ? body[..2000] : body);
        }
        catch (HttpRequestException e) when (request.Body is { Length: > 1_000_000 })
        {
            // A server may close the connection on a body it refused before reading it whole.
            return (413, e.Message);
        }
    }

    /// <summary>A little of everything, so that generated ids meet things that exist.</summary>
    private static async Task SeedAsync(HttpClient api)
    {
        (HttpMethod, string, string)[] calls =
        [
            (HttpMethod.Put, "schema", """{"fields":{"plan":"text","mrr":"number","since":"date","vip":"boolean"}}"""),
            (HttpMethod.Put, "segments/pro", """{"name":"Pro","match":{"field":{"name":"plan","op":"eq","value":"Pro"}}}"""),
            (HttpMethod.Put, "segments/vip", """{"name":"VIP","match":{"and":[{"segment":{"id":"pro"}},{"engagement":{"event":"open","within":"14d"}}]}}"""),
            (HttpMethod.Put, "contacts/c1", """{"email":"ana@example.com","fields":{"plan":"Pro","mrr":620},"lists":{"newsletter":"subscribed"}}"""),
            (HttpMethod.Post, "events", $$"""[{"id":"s1","contactId":"c1","kind":"email","name":"open","at":"{{DateTimeOffset.UtcNow.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}}"}]"""),
            (HttpMethod.Put, "drips/d1", """{"segment":"pro"}"""),
            (HttpMethod.Put, "triggers/t1", """{"segment":"vip","on":"entered"}"""),
            (HttpMethod.Post, "broadcasts", """{"id":"b1","segment":"pro","list":"newsletter"}"""),
        ];
        foreach (var (method, path, json) in calls)
        {
            using var response = await api.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;
}
