using Segments.Core.Documents;
using Segments.Core.Language;

namespace Segments.Core.Evaluation;

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
        var references = new List<SegmentMatcher>();
        foreach (var definition in byId.Values)
        {
            _segments[definition.Id] = new CompiledSegment(definition, Compile(definition.Match, references));
        }
        foreach (var reference in references)
        {
            reference.Target = _segments.TryGetValue(reference.SegmentId, out var target)
                ? target.Matcher
                : throw new InvalidOperationException($"segment '{reference.SegmentId}' is referenced but not defined");
        }
    }

    public CompiledSegment this[string id] => _segments[id];

    public bool TryGet(string id, out CompiledSegment segment) => _segments.TryGetValue(id, out segment!);

    public IEnumerable<CompiledSegment> All => _segments.Values;

    private static Matcher Compile(Condition condition, List<SegmentMatcher> references) =>
        condition switch
        {
            AllOf all => new AllMatcher([.. all.Conditions.Select(c => Compile(c, references))]),
            AnyOf any => new AnyMatcher([.. any.Conditions.Select(c => Compile(c, references))]),
            Not not => new NotMatcher(Compile(not.Condition, references)),
            FieldCondition f => new FieldMatcher(f.Field, f.Test),
            EngagementCondition e => new EngagementMatcher(e),
            PixelCondition p => new PixelMatcher(p),
            ConversionCondition c => new ConversionMatcher(c),
            ListCondition l => new ListMatcher(l.ListId, l.Status),
            ContextCondition g => new ContextMatcher(g),
            SegmentCondition s => Bind(new SegmentMatcher(s.SegmentId), references),
            _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name, "no matcher for this condition"),
        };

    private static SegmentMatcher Bind(SegmentMatcher matcher, List<SegmentMatcher> references)
    {
        references.Add(matcher);
        return matcher;
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
