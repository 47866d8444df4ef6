using Microsoft.AspNetCore.Http;

namespace Segments.Api.Ingestion;

/// <summary>The 1×1 transparent GIF every <c>px.gif</c> hit gets, never cached so that each view is a hit.</summary>
public static class Gif
{
    public static readonly byte[] Bytes = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "image/gif";
        response.ContentLength = Bytes.Length;
        response.Headers.CacheControl = "no-store, max-age=0";
        return response.Body.WriteAsync(Bytes, cancellationToken).AsTask();
    }
}
