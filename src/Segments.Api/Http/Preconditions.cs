using Microsoft.AspNetCore.Http;
using Segments.Core.Catalog;

namespace Segments.Api.Http;

public static class Preconditions
{
    /// <summary>The request's <c>If-Match</c>, or null without one. Weak tags are left out: If-Match compares strongly.</summary>
    public static IfMatch? IfMatchOf(HttpRequest request)
    {
        var tags = request.GetTypedHeaders().IfMatch;
        if (tags.Count == 0)
        {
            return null;
        }
        return tags.Any(t => t.Equals(Microsoft.Net.Http.Headers.EntityTagHeaderValue.Any))
            ? IfMatch.Exists
            : new IfMatch(false, [.. tags.Where(t => !t.IsWeak).Select(t => t.Tag.ToString())]);
    }
}
