using System.Net;
using System.Text;
using Segments.TestSupport.Serve;

namespace Segments.Cli.Tests;

/// <summary>Calls to a running `segments serve` that the end-to-end tests share.</summary>
internal static class ServeApi
{
    public static async Task<string> Send(HttpClient api, HttpMethod method, string path, string json, HttpStatusCode? expected = null)
    {
        using var response = await api.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode && (expected is null || response.StatusCode == expected),
            $"{method} {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>Events are folded asynchronously behind the stream: wait (bounded) until the condition holds.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, ServeProcess serve)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(200);
        }
        Assert.Fail($"the folded answers never matched; serve said:\n{serve.Output}");
    }
}
