using Segments.Engine.Evaluation;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Engine.Scan;

/// <summary>
/// A tenant's definitions compiled for evaluation over <see cref="ScanForm"/>s: the same answers as
/// <see cref="SegmentSet"/> over the documents the form was built from. Every condition kind runs on the form. A
/// definition is compiled once; binding it to a form and a time (<see cref="ScanSegment.Bind"/>) makes the per-form
/// tables (verdicts per distinct event content and per distinct field value), filled as the scan meets them.
/// </summary>
public sealed class ScanSegmentSet
{
    private readonly Dictionary<string, ScanSegment> _segments = new(StringComparer.Ordinal);

    /// <param name="definitions">Definitions that passed <see cref="SegmentGraph"/> (references exist, no cycles).</param>
    public ScanSegmentSet(IEnumerable<SegmentDefinition> definitions)
    {
        var compiler = new ScanCompiler();
        foreach (var definition in definitions)
        {
            _segments[definition.Id] = new ScanSegment(this, definition, definition.Match.Accept(compiler));
        }
    }

    public ScanSegment this[string id] => _segments[id];

    /// <summary>Compiles conditions into binders: given a form and a time, each makes its <see cref="ScanMatcher"/>.</summary>
    private sealed class ScanCompiler : IConditionVisitor<Func<ScanBinding, ScanMatcher>>
    {
        public Func<ScanBinding, ScanMatcher> Visit(AllOf condition)
        {
            var items = condition.Conditions.Select(c => c.Accept(this)).ToArray();
            return b => new AllScan([.. items.Select(item => item(b))]);
        }

        public Func<ScanBinding, ScanMatcher> Visit(AnyOf condition)
        {
            var items = condition.Conditions.Select(c => c.Accept(this)).ToArray();
            return b => new AnyScan([.. items.Select(item => item(b))]);
        }

        public Func<ScanBinding, ScanMatcher> Visit(Not condition)
        {
            var inner = condition.Condition.Accept(this);
            return b => new NotScan(inner(b));
        }

        public Func<ScanBinding, ScanMatcher> Visit(FieldCondition condition) => b => FieldScan.Of(b, condition);

        public Func<ScanBinding, ScanMatcher> Visit(EngagementCondition condition)
        {
            var matcher = new EngagementMatcher(condition);
            return b => new EventCountScan(b, matcher, EventKind.Email, condition.Campaign);
        }

        public Func<ScanBinding, ScanMatcher> Visit(PixelCondition condition) => condition.SeenLast
            ? Last(LastEventMatcher.Of(condition), EventKind.Pixel)
            : Counted(new PixelMatcher(condition), EventKind.Pixel);

        public Func<ScanBinding, ScanMatcher> Visit(ConversionCondition condition) => condition.SeenLast
            ? Last(LastEventMatcher.Of(condition), EventKind.Conversion)
            : Counted(new ConversionMatcher(condition), EventKind.Conversion);

        private static Func<ScanBinding, ScanMatcher> Last(LastEventMatcher matcher, EventKind kind) => b => new LastEventScan(b, matcher, kind);

        private static Func<ScanBinding, ScanMatcher> Counted(EventCountMatcher matcher, EventKind kind) =>
            b => new EventCountScan(b, matcher, kind, CampaignScope.None);

        public Func<ScanBinding, ScanMatcher> Visit(ListCondition condition) => b => new ListScan(b, condition);

        public Func<ScanBinding, ScanMatcher> Visit(SegmentCondition condition) => b => b.Segment(condition.SegmentId);

        public Func<ScanBinding, ScanMatcher> Visit(ContextCondition condition)
        {
            var matcher = new ContextMatcher(condition);
            return b => new ContextScan(b, matcher);
        }

        public Func<ScanBinding, ScanMatcher> Visit(Everyone condition) => _ => ConstantScan.True;

        public Func<ScanBinding, ScanMatcher> Visit(BucketCondition condition) => b => new BucketScan(b, condition);
    }

    /// <summary>One binding of definitions to a form and a time; a referenced segment is bound once and shared.</summary>
    internal sealed class ScanBinding(ScanSegmentSet set, ScanForm form, AsOf asOf)
    {
        private readonly Dictionary<string, ScanMatcher> _bound = new(StringComparer.Ordinal);

        public ScanForm Form => form;

        public long Ticks => asOf.Ticks;

        public AsOf AsOf => asOf;

        public ScanMatcher Segment(string id)
        {
            if (!_bound.TryGetValue(id, out var matcher))
            {
                _bound[id] = matcher = set._segments.TryGetValue(id, out var segment)
                    ? segment.Binder(this)
                    : throw new InvalidOperationException($"segment '{id}' is referenced but not defined");
            }
            return matcher;
        }
    }
}

/// <summary>One compiled segment over scan forms.</summary>
public sealed class ScanSegment
{
    private readonly ScanSegmentSet _set;

    internal ScanSegment(ScanSegmentSet set, SegmentDefinition definition, Func<ScanSegmentSet.ScanBinding, ScanMatcher> binder)
    {
        _set = set;
        Definition = definition;
        Binder = binder;
    }

    public SegmentDefinition Definition { get; }

    internal Func<ScanSegmentSet.ScanBinding, ScanMatcher> Binder { get; }

    /// <summary>This segment on one form at one time: ask it contact by contact (one thread at a time).</summary>
    public ScanQuery Bind(ScanForm form, in AsOf asOf) =>
        new(new ScanSegmentSet.ScanBinding(_set, form, asOf).Segment(Definition.Id));

    /// <summary>How many of the form's contacts are members at T.</summary>
    public long Count(ScanForm form, in AsOf asOf)
    {
        var matcher = new ScanSegmentSet.ScanBinding(_set, form, asOf).Segment(Definition.Id);
        var n = 0L;
        for (var c = 0; c < form.Count; c++)
        {
            n += matcher.Matches(c) ? 1 : 0;
        }
        return n;
    }

    /// <summary>The form's members at T, sorted by id (ordinal).</summary>
    public List<string> Members(ScanForm form, DateTimeOffset asOf)
    {
        var query = Bind(form, new AsOf(asOf));
        var members = new List<string>();
        for (var c = 0; c < form.Count; c++)
        {
            if (query.Matches(c))
            {
                members.Add(form.Id(c));
            }
        }
        members.Sort(StringComparer.Ordinal);
        return members;
    }
}

/// <summary>A segment bound to a form and a time.</summary>
public sealed class ScanQuery
{
    private readonly ScanMatcher _matcher;

    internal ScanQuery(ScanMatcher matcher) => _matcher = matcher;

    /// <summary>Whether contact number <paramref name="contact"/> of the form is a member.</summary>
    public bool Matches(int contact) => _matcher.Matches(contact);
}
