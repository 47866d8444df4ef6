using Segments.Engine.Documents;
using Segments.Engine.Language;

namespace Segments.Engine.Evaluation;

/// <summary>
/// A tenant's definitions compiled for evaluation. References are bound to the referenced segment's compiled
/// condition, so a reference costs a call, not a lookup. Build it from definitions that passed
/// <see cref="SegmentGraph"/> (references exist, no cycles).
/// </summary>
public sealed class SegmentSet
{
    private readonly Dictionary<string, CompiledSegment> _segments = new(StringComparer.Ordinal);

    public SegmentSet(IEnumerable<SegmentDefinition> definitions)
    {
        var byId = definitions.ToDictionary(d => d.Id, StringComparer.Ordinal);
        var compiler = new MatcherCompiler();
        foreach (var definition in byId.Values)
        {
            _segments[definition.Id] = new CompiledSegment(definition, definition.Match.Accept(compiler));
        }
        foreach (var reference in compiler.References)
        {
            reference.Target = _segments.TryGetValue(reference.SegmentId, out var target)
                ? target.Matcher
                : throw new InvalidOperationException($"segment '{reference.SegmentId}' is referenced but not defined");
        }
    }

    public CompiledSegment this[string id] => _segments[id];

    public bool TryGet(string id, out CompiledSegment segment) => _segments.TryGetValue(id, out segment!);

    public IEnumerable<CompiledSegment> All => _segments.Values;

    /// <summary>Compiles conditions into matchers; references are collected, to be bound once every segment is compiled.</summary>
    private sealed class MatcherCompiler : IConditionVisitor<Matcher>
    {
        public List<SegmentMatcher> References { get; } = [];

        public Matcher Visit(AllOf condition) => new AllMatcher([.. condition.Conditions.Select(c => c.Accept(this))]);

        public Matcher Visit(AnyOf condition) => new AnyMatcher([.. condition.Conditions.Select(c => c.Accept(this))]);

        public Matcher Visit(Not condition) => new NotMatcher(condition.Condition.Accept(this));

        public Matcher Visit(FieldCondition condition) => new FieldMatcher(condition.Field, condition.Predicate);

        public Matcher Visit(EngagementCondition condition) => new EngagementMatcher(condition);

        public Matcher Visit(PixelCondition condition) => condition.SeenLast ? LastEventMatcher.Of(condition) : new PixelMatcher(condition);

        public Matcher Visit(ConversionCondition condition) =>
            condition.SeenLast ? LastEventMatcher.Of(condition) : new ConversionMatcher(condition);

        public Matcher Visit(ListCondition condition) => new ListMatcher(condition.ListId, condition.Status);

        public Matcher Visit(SegmentCondition condition)
        {
            var reference = new SegmentMatcher(condition.SegmentId);
            References.Add(reference);
            return reference;
        }

        public Matcher Visit(ContextCondition condition) => new ContextMatcher(condition);

        public Matcher Visit(Everyone condition) => new EveryoneMatcher();

        public Matcher Visit(BucketCondition condition) => new BucketMatcher(condition);
    }
}

/// <summary>One compiled segment: membership of a folded contact at a time T.</summary>
public sealed class CompiledSegment
{
    internal CompiledSegment(SegmentDefinition definition, Matcher matcher)
    {
        Definition = definition;
        Matcher = matcher;
    }

    public SegmentDefinition Definition { get; }

    internal Matcher Matcher { get; }

    public bool Matches(ContactDocument contact, in AsOf asOf) => Matcher.Matches(contact, asOf);

    /// <summary>Members among <paramref name="contacts"/>, sorted by id (ordinal).</summary>
    public List<string> Members(IEnumerable<ContactDocument> contacts, DateTimeOffset asOf)
    {
        var t = new AsOf(asOf);
        var members = new List<string>();
        foreach (var contact in contacts)
        {
            if (Matcher.Matches(contact, t))
            {
                members.Add(contact.Id);
            }
        }
        members.Sort(StringComparer.Ordinal);
        return members;
    }
}
