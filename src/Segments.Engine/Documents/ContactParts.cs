namespace Segments.Engine.Documents;

/// <summary>
/// Parts of a contact's data: events by kind and case-folded name, and whether they carry geo or device (as
/// <see cref="EventSignature"/> bits), profile fields by name, and lists by id. Both what a write changed and what a
/// segment reads: a segment's membership can only change with a write whose parts overlap the ones it reads. Event
/// names share 59 buckets, so two names may overlap that differ, which costs an evaluation and never hides a change.
/// </summary>
public sealed record ContactParts(ulong Events, IReadOnlySet<string> Fields, IReadOnlySet<string> Lists)
{
    private static readonly IReadOnlySet<string> NoNames = new HashSet<string>();

    public static readonly ContactParts None = new(0, NoNames, NoNames);

    /// <summary>
    /// Every part: a write that creates the contact (it was a member of nothing, not even of "not …" segments), or
    /// one whose effect is not known (a replayed batch that was written before).
    /// </summary>
    public static readonly ContactParts All = new(ulong.MaxValue, NoNames, NoNames) { IsAll = true };

    public bool IsAll { get; private init; }

    public bool IsEmpty => !IsAll && Events == 0 && Fields.Count == 0 && Lists.Count == 0;

    public static ContactParts OfEvents(ulong events) => new(events, NoNames, NoNames);

    public static ContactParts OfField(string field) => new(0, new HashSet<string>(StringComparer.Ordinal) { field }, NoNames);

    public static ContactParts OfList(string list) => new(0, NoNames, new HashSet<string>(StringComparer.Ordinal) { list });

    /// <summary>Every part of any of <paramref name="parts"/>.</summary>
    public static ContactParts Union(IEnumerable<ContactParts> parts)
    {
        var all = parts.ToList();
        return all.Exists(p => p.IsAll)
            ? All
            : new(all.Aggregate(0UL, (events, p) => events | p.Events),
                new HashSet<string>(all.SelectMany(p => p.Fields), StringComparer.Ordinal),
                new HashSet<string>(all.SelectMany(p => p.Lists), StringComparer.Ordinal));
    }

    public bool Overlaps(ContactParts other) =>
        IsAll || other.IsAll || (Events & other.Events) != 0 || Fields.Overlaps(other.Fields) || Lists.Overlaps(other.Lists);
}
