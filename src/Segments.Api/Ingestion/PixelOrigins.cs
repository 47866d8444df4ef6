using Microsoft.AspNetCore.Http;

namespace Segments.Api.Ingestion;

/// <summary>
/// Which website a pixel request comes from: its <c>Origin</c> header (sent with every cross-origin POST, including
/// sendBeacon's), else the origin of its <c>Referer</c> (an <c>&lt;img&gt;</c> sends no Origin). A request with
/// neither, or with <c>Origin: null</c> (a page with <c>Referrer-Policy: no-referrer</c>, a sandboxed frame), is
/// from no allowed origin: accepting it would let any site bypass the check.
/// </summary>
public static class PixelOrigins
{
    public static string? Of(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return Normalize(origin.Length > 0 ? origin : request.Headers.Referer.ToString());
    }

    public static bool IsAllowed(PixelTenant tenant, HttpRequest request)
    {
        // Browsers send origins already normalised: the header itself, or the referrer up to its path, is usually
        // one of the tenant's origins as it stands. Anything else is parsed before it is compared.
        var origin = request.Headers.Origin.ToString();
        var candidate = origin.Length > 0 ? origin : AuthorityOf(request.Headers.Referer.ToString());
        return tenant.Origins.Contains(candidate) || (Of(request) is { } normalized && tenant.Origins.Contains(normalized));
    }

    /// <summary><c>scheme://host[:port]</c> of a URL as written (the text before the first '/', '?' or '#' after "//").</summary>
    private static string AuthorityOf(string url)
    {
        var start = url.IndexOf("//", StringComparison.Ordinal);
        if (start < 0)
        {
            return url;
        }
        var end = url.AsSpan(start + 2).IndexOfAny('/', '?', '#');
        return end < 0 ? url : url[..(start + 2 + end)];
    }

    /// <summary><c>scheme://host[:port]</c> in lower case with default ports left out, or null when not an http(s) URL.</summary>
    public static string? Normalize(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant()
            : null;
}
