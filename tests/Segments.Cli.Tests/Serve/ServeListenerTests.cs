using System.Globalization;
using System.Text;
using Segments.TestSupport.Serve;

namespace Segments.Cli.Tests.Serve;

/// <summary>
/// `segments serve` opens no listener but its API: the Durable Task sidecar that runs broadcasts is reachable from the
/// process only, so no other program on the machine can list or terminate a tenant's orchestrations.
/// </summary>
public sealed class ServeListenerTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("segments-listen-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task With_a_broadcast_resolved_the_only_tcp_port_serve_listens_on_is_the_api_s()
    {
        await using var serve = await ServeProcess.StartAsync(_data);
        await SendAsync(serve, HttpMethod.Put, "segments/everyone", """{"name":"Everyone","match":{"not":{"list":{"id":"none"}}}}""");
        await SendAsync(serve, HttpMethod.Put, "contacts/c1", """{"email":"ada@example.com"}""");
        await SendAsync(serve, HttpMethod.Post, "broadcasts", """{"id":"b1","segment":"everyone"}""");
        for (var i = 0; i < 100 && !(await serve.Client.GetStringAsync("broadcasts/b1")).Contains("\"completed\"", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains("\"completed\"", await serve.Client.GetStringAsync("broadcasts/b1"), StringComparison.Ordinal);
        Assert.Equal([serve.Api.Port], ListeningPorts(serve.Id));
    }

    private static async Task SendAsync(ServeProcess serve, HttpMethod method, string path, string json)
    {
        using var response = await serve.Client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The TCP ports the process listens on (IPv4 and IPv6): its sockets' inodes, found in the kernel's tables (Linux).</summary>
    private static List<int> ListeningPorts(int pid)
    {
        var inodes = new HashSet<string>();
        foreach (var fd in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }
        const string Listening = "0A";
        return [.. new[] { "tcp", "tcp6" }.SelectMany(table => File.ReadLines($"/proc/{pid}/net/{table}").Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(columns => columns[3] == Listening && inodes.Contains(columns[9]))
            .Select(columns => int.Parse(columns[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .Distinct().Order()];
    }
}
