using System.Net;
using System.Text;
using System.Text.Json;

namespace Segments.Api.Tests;

/// <summary>A problem details body as the API sends it.</summary>
internal sealed record Problem(HttpStatusCode Status, IReadOnlyList<(string Path, string Message)> Errors, JsonElement Body);

internal static class Http
{
    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, string? json = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PutAsync(this HttpClient client, string path, string json, string? ifMatch = null) =>
        client.SendAsync(HttpMethod.Put, path, json, ifMatch);

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, string path, string json) =>
        client.SendAsync(HttpMethod.Post, path, json);

    /// <summary>The JSON body of a response that must have the given status.</summary>
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The problem of a refused request: <c>application/problem+json</c> with its errors.</summary>
    public static async Task<Problem> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)expected, body.GetProperty("status").GetInt32());
        var errors = body.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("path").GetString()!, e.GetProperty("message").GetString()!)).ToArray();
        Assert.NotEmpty(errors);
        return new Problem(response.StatusCode, errors, body);
    }

    public static string ETag(this HttpResponseMessage response) => response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("no ETag");
}
