using Segments.Core.Contacts;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Scan;

namespace Segments.Core.Membership;

/// <summary>What a report slices by: nothing (the total), the contact's country, its device client, or its lists.</summary>
public enum Slicing : byte
{
    Total,
    Country,
    Client,
    List,
}

/// <summary>How many members a segment had on a day (counted as of the day's report instant), in one slice.</summary>
public sealed record DailyCount(string Segment, DateOnly Day, Slicing By, string Slice, long Count);

/// <summary>
/// Counts the members of every segment at one instant, in total and sliced, one contact (or one partition's scan form)
/// at a time (a scan need not be held in memory). A contact's country and device client are those of its latest event at or before the instant
/// that has them (<see cref="Unknown"/> without one), so these slices sum to the total; list slices count a member
/// once per list it has a status on (<see cref="Unknown"/> when none), so they overlap.
/// </summary>
public sealed class MembershipCounter(SegmentSet segments, DateTimeOffset asOf)
{
    public const string Unknown = "(unknown)";

    private readonly AsOf _at = new(asOf);
    private readonly List<CompiledSegment> _segments = [.. segments.All];
    private readonly ScanSegmentSet _scan = new(segments.All.Select(s => s.Definition));
    private readonly Dictionary<(string Segment, Slicing By, string Slice), long> _counts = [];

    public void Add(ContactDocument contact)
    {
        Slices? slices = null;
        foreach (var segment in _segments.Where(s => s.Matches(contact, _at)))
        {
            Count(segment.Definition.Id, slices ??= SlicesOf(contact, _at.Ticks));
        }
    }

    /// <summary>The form's contacts not changed since it was built (<see cref="PartitionSnapshot.Live"/>), each decided on the form.</summary>
    public void Add(PartitionSnapshot snapshot)
    {
        var form = snapshot.Form;
        var members = _segments.Select(s => (s.Definition.Id, Query: _scan[s.Definition.Id].Bind(form, _at))).ToList();
        foreach (var c in snapshot.Live)
        {
            Slices? slices = null;
            foreach (var (id, query) in members)
            {
                if (query.Matches(c))
                {
                    Count(id, slices ??= SlicesOf(form, c, _at.Ticks));
                }
            }
        }
    }

    /// <summary>The counts so far, under the instant's UTC day; every segment has a total, zero included.</summary>
    public IReadOnlyList<DailyCount> Counts()
    {
        var day = DateOnly.FromDateTime(_at.Instant.UtcDateTime);
        var totals = _segments.Select(s => (s.Definition.Id, Slicing.Total, "")).Where(k => !_counts.ContainsKey(k)).Select(k => (Key: k, Count: 0L));
        return [.. _counts.Select(c => (c.Key, Count: c.Value)).Concat(totals)
            .Select(c => new DailyCount(c.Key.Item1, day, c.Key.Item2, c.Key.Item3, c.Count))
            .OrderBy(c => c.Segment, StringComparer.Ordinal).ThenBy(c => c.By).ThenBy(c => c.Slice, StringComparer.Ordinal)];
    }

    private void Count(string segment, Slices slices)
    {
        Count((segment, Slicing.Total, ""));
        Count((segment, Slicing.Country, slices.Country));
        Count((segment, Slicing.Client, slices.Client));
        foreach (var list in slices.Lists)
        {
            Count((segment, Slicing.List, list));
        }
    }

    private void Count((string, Slicing, string) key) => _counts[key] = _counts.GetValueOrDefault(key) + 1;

    /// <summary>A member's slices: country and client (<see cref="Unknown"/> without), its lists in ordinal order (<see cref="Unknown"/> when none).</summary>
    private readonly record struct Slices(string Country, string Client, string[] Lists)
    {
        public static Slices Of(string? country, string? client, IEnumerable<string> lists)
        {
            string[] sorted = [.. lists.Order(StringComparer.Ordinal)];
            return new(country ?? Unknown, client ?? Unknown, sorted.Length > 0 ? sorted : [Unknown]);
        }
    }

    private static Slices SlicesOf(ContactDocument contact, long ticks)
    {
        string? country = null, client = null;
        // Events are kept in time order: the latest ones at or before the instant decide.
        for (var i = contact.Events.Length - 1; i >= 0 && (country is null || client is null); i--)
        {
            var e = contact.Events[i];
            if (e.At <= ticks)
            {
                country ??= e.Info.Geo?.Get(0);
                client ??= e.Info.Device?.Get(0);
            }
        }
        return Slices.Of(country, client, contact.Lists.Select(l => l.Key));
    }

    private static Slices SlicesOf(ScanForm form, int contact, long ticks)
    {
        var (country, client) = form.LatestContext(contact, ticks);
        return Slices.Of(country, client, form.ListsOf(contact));
    }
}
