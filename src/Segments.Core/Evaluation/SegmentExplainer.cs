using System.Diagnostics;
using Segments.Core.Documents;
using Segments.Core.Language;

namespace Segments.Core.Evaluation;

/// <summary>
/// Explains a segment's verdict for one contact at T: walks the definition, every condition evaluated whole (no
/// short-circuit, so each shows its truth value) with the engine's own matchers and tests, references explained in turn.
/// </summary>
public static class SegmentExplainer
{
    /// <summary>The explanation of <paramref name="segmentId"/> of <paramref name="set"/> for the contact at <paramref name="asOf"/>.</summary>
    public static SegmentExplanation Explain(SegmentSet set, string segmentId, ContactDocument contact, DateTimeOffset asOf)
    {
        var t = new AsOf(asOf);
        var definition = set[segmentId].Definition;
        var match = Walk(set, definition.Match, "$.match", contact, t);
        return new SegmentExplanation(segmentId, contact.Id, t.Instant, match.Result, match);
    }

    private static Explanation Walk(SegmentSet set, Condition condition, string path, ContactDocument contact, in AsOf asOf)
    {
        var t = asOf;
        switch (condition)
        {
            case AllOf all:
                var allOf = all.Conditions.Select((c, i) => Walk(set, c, $"{path}.and[{i}]", contact, t)).ToList();
                return new Explanation("and", path, allOf.All(c => c.Result)) { Conditions = allOf };
            case AnyOf any:
                var anyOf = any.Conditions.Select((c, i) => Walk(set, c, $"{path}.or[{i}]", contact, t)).ToList();
                return new Explanation("or", path, anyOf.Any(c => c.Result)) { Conditions = anyOf };
            case Not not:
                var inner = Walk(set, not.Condition, $"{path}.not", contact, t);
                return new Explanation("not", path, !inner.Result) { Conditions = [inner] };
            case FieldCondition f:
                var value = contact.GetField(f.Field);
                var missing = f.Test.IsMissing(value);
                return new Explanation("field", path, f.Test.Test(value, asOf.Ticks))
                {
                    Field = new FieldEvidence(f.Field, missing ? null : value.ToPlain(), missing),
                };
            case EngagementCondition e:
                return Events("engagement", path, new EngagementMatcher(e), contact, asOf);
            case PixelCondition p:
                return Events("pixel", path, new PixelMatcher(p), contact, asOf);
            case ConversionCondition c:
                return Events("conversion", path, new ConversionMatcher(c), contact, asOf);
            case ListCondition l:
                var status = contact.ListStatusAt(l.ListId, asOf.Ticks);
                var optedOut = contact.ListOptOuts.Where(o => o.Key == l.ListId && o.Value <= t.Ticks).Select(o => (long?)o.Value).FirstOrDefault();
                return new Explanation("list", path, ListMatcher.Holds(l.Status, status))
                {
                    List = new ListEvidence(l.ListId, status, contact.RecordedListStatus(l.ListId),
                        optedOut is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null),
                };
            case ContextCondition g:
                var (result, index) = new ContextMatcher(g).Decide(contact, asOf);
                var names = ContextCondition.AttributeNames(g.Kind);
                ContextEvidence evidence = index < 0
                    ? new ContextEvidence(null, null, null)
                    : new ContextEvidence(contact.Events[index].Id, new DateTimeOffset(contact.Events[index].At, TimeSpan.Zero),
                        names.Select((n, k) => (n, contact.Events[index].Info.Context(g.Kind == ContextKind.Device)!.Get(k))).ToDictionary(a => a.n, a => a.Item2));
                return new Explanation(g.Kind == ContextKind.Geo ? "geo" : "device", path, result) { Context = evidence };
            case SegmentCondition s:
                var referenced = set[s.SegmentId].Definition;
                var match = Walk(set, referenced.Match, "$.match", contact, t);
                return new Explanation("segment", path, match.Result) { Segment = new SegmentExplanation(s.SegmentId, contact.Id, t.Instant, match.Result, match) };
            default:
                throw new UnreachableException($"the explanation does not know the condition {condition.GetType().Name}");
        }
    }

    private static Explanation Events(string kind, string path, EventCountMatcher matcher, ContactDocument contact, in AsOf asOf)
    {
        var evidence = matcher.Explain(contact, asOf, EventEvidence.Listed);
        return new Explanation(kind, path, evidence.Result) { Events = evidence };
    }
}
