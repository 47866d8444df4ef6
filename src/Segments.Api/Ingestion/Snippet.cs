using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Segments.Api.Ingestion;

/// <summary>
/// <c>GET /api/collect.js</c>: the website snippet (<c>collect.js</c>, an embedded resource). The same bytes for
/// every tenant (the snippet reads its pixel key from its own <c>src</c>), so browsers and CDNs may cache it for an
/// hour and revalidate it by ETag.
/// </summary>
public static class Snippet
{
    public static readonly byte[] Bytes = Load();

    private static readonly string ETag = $"\"{Convert.ToHexStringLower(SHA256.HashData(Bytes), 0, 8)}\"";

    public static Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers.ETag = ETag;
        response.Headers.CacheControl = "public, max-age=3600";
        response.Headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch.ToString() == ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.ContentType = "text/javascript; charset=utf-8";
        response.ContentLength = Bytes.Length;
        return response.Body.WriteAsync(Bytes, context.RequestAborted).AsTask();
    }

    private static byte[] Load()
    {
        using var stream = typeof(Snippet).Assembly.GetManifestResourceStream("Segments.Api.Ingestion.collect.js")
            ?? throw new InvalidOperationException("the snippet collect.js is not embedded in the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
