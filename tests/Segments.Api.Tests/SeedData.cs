using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Segments.Core.Ports;
using Segments.Engine.Offline;

namespace Segments.Api.Tests;

/// <summary>The shared example data set (tests/data/seed-audiences), copied beside the tests.</summary>
internal static class SeedData
{
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "data", "seed-audiences");

    public static readonly DateTimeOffset AsOf = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static string Schema => File.ReadAllText(Path.Combine(Folder, "schema.json"));

    /// <summary>The definitions of segments.json, in its order, as JSON text by id.</summary>
    public static IReadOnlyList<(string Id, string Json)> Definitions()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "segments.json")));
        return [.. json.RootElement.EnumerateArray().Select(d => (d.GetProperty("id").GetString()!, d.GetRawText()))];
    }

    public static IReadOnlyList<(string Segment, int Count, string[] Members)> Expected() =>
        [.. File.ReadLines(Path.Combine(Folder, "expected-evaluate.jsonl")).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return (root.GetProperty("segment").GetString()!, root.GetProperty("count").GetInt32(),
                root.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToArray());
        })];

    /// <summary>
    /// A host over in-memory stores with the example as tenant A's: its contacts folded into the contact store, its schema
    /// and definitions saved with PUT; the clock stands at the example's T, so a call without asOf evaluates then.
    /// </summary>
    public static async Task<(ApiHost Host, HttpClient Api)> StartHostAsync()
    {
        var host = await ApiHost.StartAsync(Backends.InMemory, new FakeTimeProvider(AsOf));
        var api = host.Client(TestTenant.A);
        var contacts = host.Get<IContactStore>();
        foreach (var contact in DataSet.Load(Folder).Contacts)
        {
            await contacts.WriteAsync(TestTenant.A.Id, contact, ifMatch: null);
        }
        await (await api.PutAsync("/api/schema", Schema)).JsonAsync();
        foreach (var (id, json) in Definitions())
        {
            await (await api.PutAsync($"/api/segments/{id}", json)).JsonAsync(HttpStatusCode.Created);
        }
        return (host, api);
    }
}
