using Segments.Engine.Model;

namespace Segments.Engine.Documents;

/// <summary>
/// A 64-bit summary of what a document's events are: one bit per kind, one for "carries geo", one for
/// "carries device", and one of 59 buckets per (kind, case-folded name). A condition whose events would need
/// a bit the document lacks has no matching event, and is decided without walking the events: the walk is
/// most of the cost of evaluation, and most contacts lack most events (no purchase, no cart, no pricing view).
/// </summary>
public static class EventSignature
{
    private const int NameBuckets = 64 - 5;

    public static ulong Kind(EventKind kind) => 1UL << (int)kind;

    public const ulong Geo = 1UL << 3;

    public const ulong Device = 1UL << 4;

    /// <summary>The bucket of a (kind, name) pair; names fold case the way the language compares them.</summary>
    public static ulong Name(EventKind kind, string name)
    {
        var hash = 2166136261u ^ (uint)kind;
        foreach (var c in name)
        {
            hash = (hash ^ char.ToUpperInvariant(c)) * 16777619u;
        }
        return 1UL << (5 + (int)(hash % NameBuckets));
    }

    public static ulong Of(EventInfo info) =>
        Kind(info.Kind) | Name(info.Kind, info.Name) | (info.Geo is null ? 0 : Geo) | (info.Device is null ? 0 : Device);

    public static ulong Of(CompactedTotal total) => Kind(total.Kind) | Name(total.Kind, total.Name);
}
