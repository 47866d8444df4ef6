namespace Segments.Core.Catalog;

/// <summary>
/// An <c>If-Match</c> precondition: <c>*</c> (the resource must exist) or a list of strong entity tags, one of
/// which must be the current one (RFC 9110 §13.1.1; weak tags never match).
/// </summary>
public sealed record IfMatch(bool Any, IReadOnlyList<string> Tags)
{
    public static readonly IfMatch Exists = new(true, []);

    public static IfMatch Of(params string[] tags) => new(false, tags);

    public bool Accepts(string? currentETag) =>
        currentETag is not null && (Any || Tags.Contains(currentETag, StringComparer.Ordinal));
}
