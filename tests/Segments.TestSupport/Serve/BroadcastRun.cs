using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Segments.Core.Audience;

namespace Segments.TestSupport.Serve;

/// <summary>A broadcast through the API of a running service: scheduled, followed to its end, its audience read as bytes.</summary>
public static class BroadcastRun
{
    /// <summary>
    /// A segment whose audience no event of <see cref="EventTraffic"/> can change (it reads a profile field; the traffic
    /// sends no bounce, complaint or unsubscribe): a broadcast to it resolves the same whenever it runs, while traffic flows.
    /// </summary>
    public const string SteadySegment = "pro";

    /// <summary>Saves <see cref="SteadySegment"/> and <paramref name="contacts"/> profiles, a third of them on the Pro plan.</summary>
    public static async Task SeedAsync(HttpClient api, int contacts)
    {
        await SendAsync(api, HttpMethod.Put, "schema", """{"fields":{"plan":"text"}}""");
        await SendAsync(api, HttpMethod.Put, $"segments/{SteadySegment}",
            """{"name":"Pro plan","match":{"field":{"name":"plan","op":"eq","value":"Pro"}}}""");
        await Parallel.ForEachAsync(Enumerable.Range(0, contacts), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            await SendAsync(api, HttpMethod.Put, $"contacts/p{i:D5}",
                $$$"""{"email":"p{{{i}}}@example.com","fields":{"plan":"{{{(i % 3 == 0 ? "Pro" : "Free")}}}"}}"""));
    }

    private static async Task SendAsync(HttpClient api, HttpMethod method, string path, string json)
    {
        using var response = await api.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Schedules the broadcast; 202 expected.</summary>
    public static async Task PostAsync(HttpClient api, string id, string segment, DateTimeOffset? sendAt = null, string? asOf = null)
    {
        var body = new Dictionary<string, string> { ["id"] = id, ["segment"] = segment };
        if (sendAt is { } at)
        {
            body["sendAt"] = at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }
        if (asOf is not null)
        {
            body["asOf"] = asOf;
        }
        using var response = await api.PostAsync("broadcasts", new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST broadcasts {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The broadcast's view once it is finished (completed, failed or canceled).</summary>
    public static async Task<JsonElement> FinishedAsync(HttpClient api, string id, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        while (true)
        {
            var view = await api.GetFromJsonAsync<JsonElement>($"broadcasts/{id}", timeout.Token);
            if (view.GetProperty("status").GetString() is "completed" or "failed" or "canceled")
            {
                return view;
            }
            await Task.Delay(100, timeout.Token);
        }
    }

    public static Task<byte[]> AudienceAsync(HttpClient api, string id) => api.GetByteArrayAsync($"broadcasts/{id}/audience");

    /// <summary>The files of the broadcast's audience folder in a data folder (parts, manifest and anything a crash left).</summary>
    public static IReadOnlyList<string> Files(string dataDirectory, string id) =>
        [.. Directory.GetFiles(Path.Combine(dataDirectory, "audiences", new AudienceAddress(ServeProcess.Tenant, id).Folder)).Select(Path.GetFileName).Order()!];
}
