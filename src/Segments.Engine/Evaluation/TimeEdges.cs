using Segments.Engine.Documents;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Engine.Evaluation;

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
    private readonly (string Field, RelativeDatePredicate Predicate)[] _dates;
    private readonly bool _readsEvents;

    private TimeEdges(Sources sources)
    {
        _windows = [.. sources.Windows];
        _dates = [.. sources.Dates];
        _readsEvents = sources.ReadsEvents;
    }

    /// <summary>The edges of a segment, following its references (<paramref name="definitions"/> by id).</summary>
    public static TimeEdges Of(SegmentDefinition definition, IReadOnlyDictionary<string, SegmentDefinition> definitions) =>
        new(definition.Match.Accept(new Collector(definition.Id, definitions)));

    /// <summary>True when no edge can ever come: membership changes only with the contact's data.</summary>
    public bool IsTimeless => _windows.Length == 0 && _dates.Length == 0 && !_readsEvents;

    /// <summary>The first instant after <paramref name="asOf"/> at which membership could change by time alone; null if none.</summary>
    public DateTimeOffset? Next(ContactDocument contact, DateTimeOffset asOf)
    {
        var next = new Earliest(asOf.UtcTicks);
        if (_readsEvents)
        {
            foreach (var e in contact.Events)
            {
                ConsiderEvent(ref next, e.At);
            }
            foreach (var change in contact.ListChanges)
            {
                next.Consider(change.At);
            }
            foreach (var total in contact.Compacted)
            {
                next.Consider(total.NewestAt);
            }
        }
        foreach (var (field, predicate) in _dates)
        {
            ConsiderDate(ref next, predicate, contact.GetField(field));
        }
        return next.Value;
    }

    /// <summary>Whether any event, list change or compacted total can be an edge (the segment reads events).</summary>
    internal bool ReadsEvents => _readsEvents;

    /// <summary>The relative date conditions, by the field each reads.</summary>
    internal IReadOnlyList<(string Field, RelativeDatePredicate Predicate)> Dates => _dates;

    /// <summary>A search for the first edge after <paramref name="asOf"/>, for a contact held in another form (the scan form's <c>ScanTimeEdges</c>).</summary>
    internal Search From(DateTimeOffset asOf) => new(this, asOf.UtcTicks);

    /// <summary>The edges of one contact considered one by one, by the same rules as <see cref="Next(ContactDocument, DateTimeOffset)"/>.</summary>
    internal struct Search(TimeEdges edges, long t)
    {
        private Earliest _next = new(t);

        public void Event(long at) => edges.ConsiderEvent(ref _next, at);

        public void Instant(long at) => _next.Consider(at);

        public void Date(RelativeDatePredicate predicate, in ScalarValue value) => ConsiderDate(ref _next, predicate, value);

        public readonly DateTimeOffset? Value => _next.Value;
    }

    /// <summary>An event comes into view at its time and, with a window, ages out of it.</summary>
    private void ConsiderEvent(ref Earliest next, long at)
    {
        next.Consider(at);
        foreach (var window in _windows)
        {
            next.Consider(at + window);
        }
    }

    private static void ConsiderDate(ref Earliest next, RelativeDatePredicate predicate, in ScalarValue value)
    {
        if (value.DateTicks is { } v)
        {
            var (from, until) = predicate.HoldingTimes(v);
            next.Consider(from);
            next.Consider(until);
        }
    }

    /// <summary>The earliest of the instants considered that is after T.</summary>
    private struct Earliest(long t)
    {
        private long _next = long.MaxValue;

        public void Consider(long edge)
        {
            if (edge > t)
            {
                _next = Math.Min(_next, edge);
            }
        }

        public readonly DateTimeOffset? Value => _next == long.MaxValue ? null : new DateTimeOffset(_next, TimeSpan.Zero);
    }

    /// <summary>What a condition's membership depends on in time: event windows, relative dates on fields, any event at all.</summary>
    private sealed record Sources(IReadOnlySet<long> Windows, IReadOnlyList<(string Field, RelativeDatePredicate Predicate)> Dates, bool ReadsEvents)
    {
        public static readonly Sources None = new(new HashSet<long>(), [], false);

        /// <summary>An event condition: every event can come into view, and with a window age out of it.</summary>
        public static Sources Events(Duration? within) => new(within is { } w ? new HashSet<long> { w.Ticks } : new HashSet<long>(), [], true);

        public static Sources Union(IEnumerable<Sources> sources)
        {
            var all = sources.ToList();
            return new(new HashSet<long>(all.SelectMany(s => s.Windows)), [.. all.SelectMany(s => s.Dates)], all.Exists(s => s.ReadsEvents));
        }
    }

    private sealed class Collector(string root, IReadOnlyDictionary<string, SegmentDefinition> definitions)
        : IConditionVisitor<Sources>, IScalarPredicateVisitor<string, Sources>
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal) { root };

        public Sources Visit(AllOf condition) => Sources.Union(condition.Conditions.Select(c => c.Accept(this)));

        public Sources Visit(AnyOf condition) => Sources.Union(condition.Conditions.Select(c => c.Accept(this)));

        public Sources Visit(Not condition) => condition.Condition.Accept(this);

        public Sources Visit(FieldCondition condition) => condition.Predicate.Accept(this, condition.Field);

        public Sources Visit(EngagementCondition condition) => Sources.Events(condition.Within);

        public Sources Visit(PixelCondition condition) => Sources.Events(condition.Within);

        public Sources Visit(ConversionCondition condition) => Sources.Events(condition.Within);

        // A list's status changes with time alone when a subscribe or unsubscribe event takes effect.
        public Sources Visit(ListCondition condition) => Sources.Events(within: null);

        public Sources Visit(SegmentCondition condition) =>
            _seen.Add(condition.SegmentId) && definitions.TryGetValue(condition.SegmentId, out var target) ? target.Match.Accept(this) : Sources.None;

        public Sources Visit(ContextCondition condition) => Sources.Events(condition.Within);

        public Sources Visit(Everyone condition) => Sources.None;

        // A bucket depends on the contact's id alone.
        public Sources Visit(BucketCondition condition) => Sources.None;

        // Profile values do not move with time, except against T through a relative date.
        public Sources Visit(PresencePredicate predicate, string field) => Sources.None;

        public Sources Visit(TextPredicate predicate, string field) => Sources.None;

        public Sources Visit(NumberPredicate predicate, string field) => Sources.None;

        public Sources Visit(BooleanPredicate predicate, string field) => Sources.None;

        public Sources Visit(DatePredicate predicate, string field) => Sources.None;

        public Sources Visit(RelativeDatePredicate predicate, string field) => new(new HashSet<long>(), [(field, predicate)], false);

        public Sources Visit(TagsPredicate predicate, string field) => Sources.None;
    }
}
