using System.Text;
using Segments.Core.Ingestion;
using Segments.Engine.Model;

namespace Segments.Api.Tests.Ingestion;

/// <summary>Pixel requests as a browser sends them: snippet batches (text/plain, with an Origin) and px.gif hits.</summary>
internal static class PixelRequests
{
    public const string Visitor = "3f2b8c1e-5a4d-4e6f-9b7a-1c2d3e4f5a6b";

    /// <summary>Chrome 131 on Windows 10, as sent by real browsers.</summary>
    public const string ChromeOnWindows =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    public static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static HttpRequestMessage Batch(string json, string? key = IngestionHost.PixelKeyA, string? origin = IngestionHost.OriginA,
        string contentType = "text/plain", string userAgent = ChromeOnWindows) =>
        Batch(Encoding.UTF8.GetBytes(json), key, origin, contentType, userAgent);

    public static HttpRequestMessage Batch(byte[] body, string? key = IngestionHost.PixelKeyA, string? origin = IngestionHost.OriginA,
        string contentType = "text/plain", string userAgent = ChromeOnWindows)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, key is null ? "/api/collect" : $"/api/collect?k={Uri.EscapeDataString(key)}")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        return request;
    }

    /// <summary>A snippet batch body: <c>{"visitor", "token"?, "events": [...]}</c> with events given as JSON.</summary>
    /// <summary>A <c>px.gif</c> hit from Chrome on a page of tenant A.</summary>
    public static HttpRequestMessage Hit(string query, string? referer = "https://tenant-a.example/pricing")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/px.gif?" + query);
        if (referer is not null)
        {
            request.Headers.TryAddWithoutValidation("Referer", referer);
        }
        request.Headers.TryAddWithoutValidation("User-Agent", ChromeOnWindows);
        return request;
    }

    public static string Body(string? visitor = Visitor, string? token = null, params string[] events)
    {
        var head = visitor is null ? "" : $"\"visitor\":\"{visitor}\",";
        head += token is null ? "" : $"\"token\":\"{token}\",";
        return $"{{{head}\"events\":[{string.Join(",", events)}]}}";
    }

    public static string PageView(string id, string path, DateTimeOffset? at = null) =>
        $$$"""{"id":"{{{id}}}","kind":"pixel","name":"page_view","at":"{{{Rfc3339.Format(at ?? Now)}}}","properties":{"path":"{{{path}}}","url":"https://tenant-a.example{{{path}}}"}}""";

    public static string Event(string id, string name, DateTimeOffset? at = null, string kind = "pixel") =>
        $$"""{"id":"{{id}}","kind":"{{kind}}","name":"{{name}}","at":"{{Rfc3339.Format(at ?? Now)}}"}""";

    public static string Token(TimeProvider time, string tenant, string contact, byte[] secret, TimeSpan? lifetime = null) =>
        new ContactTokens(time).Issue(tenant, contact, secret, lifetime);

    /// <summary>A token of any payload, signed as the service signs its own (so only the payload can be wrong).</summary>
    public static string Signed(byte[] secret, string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        return $"{System.Buffers.Text.Base64Url.EncodeToString(bytes)}.{System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.HMACSHA256.HashData(secret, bytes))}";
    }
}
