using Segments.Core.Documents;
using Segments.Core.Language;

namespace Segments.Core.Evaluation;

/// <summary>
/// When a contact's membership of a segment can change with no new data, by time alone: an event ages
/// out of a window (<c>T − d &lt; at</c> stops holding at <c>T = at + d</c>), a future-dated event comes
/// into view (at its <c>at</c>), an implied suppression or list opt-out takes effect, or a relative date
/// condition on a field crosses its edge. Membership is constant between consecutive edges, so a tracker
/// only needs to look at a contact again at its next edge. Edges over-approximate: membership may well stay
/// the same at one, never change between two.
/// </summary>
public sealed class TimeEdges
{
    private readonly long[] _windows;
    private readonly (string Field, DateTest Test)[] _dates;
    private readonly bool _readsEvents;

    private TimeEdges(long[] windows, (string, DateTest)[] dates, bool readsEvents)
    {
        _windows = windows;
        _dates = dates;
        _readsEvents = readsEvents;
    }

    /// <summary>The edges of a segment, following its references (<paramref name="definitions"/> by id).</summary>
    public static TimeEdges Of(SegmentDefinition definition, IReadOnlyDictionary<string, SegmentDefinition> definitions)
    {
        var windows = new HashSet<long>();
        var dates = new List<(string, DateTest)>();
        var readsEvents = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Walk(Condition condition)
        {
            switch (condition)
            {
                case AllOf all: all.Conditions.ToList().ForEach(Walk); break;
                case AnyOf any: any.Conditions.ToList().ForEach(Walk); break;
                case Not not: Walk(not.Condition); break;
                case FieldCondition { Test: DateTest { Op: "within_last" or "more_than_ago" or "within_next" } test } f:
                    dates.Add((f.Field, test));
                    break;
                case EngagementCondition e: Event(e.Within); break;
                case PixelCondition p: Event(p.Within); break;
                case ConversionCondition c: Event(c.Within); break;
                case ContextCondition g: Event(g.Within); break;
                case ListCondition: readsEvents = true; break;
                case SegmentCondition s when seen.Add(s.SegmentId) && definitions.TryGetValue(s.SegmentId, out var target):
                    Walk(target.Match);
                    break;
            }
        }
        void Event(Duration? within)
        {
            readsEvents = true;
            if (within is { } w)
            {
                windows.Add(w.Ticks);
            }
        }
        seen.Add(definition.Id);
        Walk(definition.Match);
        return new TimeEdges([.. windows.Order()], [.. dates], readsEvents);
    }

    /// <summary>True when no edge can ever come: membership changes only with the contact's data.</summary>
    public bool IsTimeless => _windows.Length == 0 && _dates.Length == 0 && !_readsEvents;

    /// <summary>The first instant after <paramref name="asOf"/> at which membership could change by time alone; null if none.</summary>
    public DateTimeOffset? Next(ContactDocument contact, DateTimeOffset asOf)
    {
        var t = asOf.UtcTicks;
        var next = long.MaxValue;
        void Consider(long edge)
        {
            if (edge > t && edge < next)
            {
                next = edge;
            }
        }
        if (_readsEvents)
        {
            foreach (var e in contact.Events)
            {
                Consider(e.At);
                foreach (var window in _windows)
                {
                    Consider(e.At + window);
                }
            }
            foreach (var mark in contact.ListOptOuts)
            {
                Consider(mark.Value);
            }
            foreach (var total in contact.Compacted)
            {
                Consider(total.NewestAt);
            }
        }
        foreach (var (field, test) in _dates)
        {
            if (contact.GetField(field).DateTicks is not { } v)
            {
                continue;
            }
            var d = test.DurationTicks;
            switch (test.Op)
            {
                case "within_last": // T − d ≤ v ≤ T: enters at v, leaves just after v + d.
                    Consider(v);
                    Consider(v + d + 1);
                    break;
                case "more_than_ago": // v < T − d: holds from just after v + d.
                    Consider(v + d + 1);
                    break;
                default: // within_next, T ≤ v ≤ T + d: enters at v − d, leaves just after v.
                    Consider(v - d);
                    Consider(v + 1);
                    break;
            }
        }
        return next == long.MaxValue ? null : new DateTimeOffset(next, TimeSpan.Zero);
    }
}
