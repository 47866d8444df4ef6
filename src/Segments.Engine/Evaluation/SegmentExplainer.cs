using Segments.Engine.Documents;
using Segments.Engine.Language;

namespace Segments.Engine.Evaluation;

/// <summary>
/// Explains a segment's verdict for one contact at T: walks the definition, every condition evaluated whole (no
/// short-circuit, so each shows its truth value) with the engine's own matchers and predicates, references explained in
/// turn. The walk is an <see cref="IConditionVisitor{TResult}"/>, so a condition kind it does not explain fails the build.
/// </summary>
public static class SegmentExplainer
{
    /// <summary>The explanation of <paramref name="segmentId"/> of <paramref name="set"/> for the contact at <paramref name="asOf"/>.</summary>
    public static SegmentExplanation Explain(SegmentSet set, string segmentId, ContactDocument contact, DateTimeOffset asOf)
    {
        var t = new AsOf(asOf);
        var match = set[segmentId].Definition.Match.Accept(new Walker(set, contact, t, "$.match"));
        return new SegmentExplanation(segmentId, contact.Id, t.Instant, match.Result, match);
    }

    /// <summary>Explains the condition found at <paramref name="path"/> in its definition.</summary>
    private sealed class Walker(SegmentSet set, ContactDocument contact, AsOf asOf, string path) : IConditionVisitor<Explanation>
    {
        private Explanation Child(Condition condition, string childPath) => condition.Accept(new Walker(set, contact, asOf, childPath));

        public Explanation Visit(AllOf condition)
        {
            var all = condition.Conditions.Select((c, i) => Child(c, $"{path}.and[{i}]")).ToList();
            return new Explanation("and", path, all.All(c => c.Result)) { Conditions = all };
        }

        public Explanation Visit(AnyOf condition)
        {
            var any = condition.Conditions.Select((c, i) => Child(c, $"{path}.or[{i}]")).ToList();
            return new Explanation("or", path, any.Any(c => c.Result)) { Conditions = any };
        }

        public Explanation Visit(Not condition)
        {
            var inner = Child(condition.Condition, $"{path}.not");
            return new Explanation("not", path, !inner.Result) { Conditions = [inner] };
        }

        public Explanation Visit(FieldCondition condition)
        {
            var value = contact.GetField(condition.Field);
            var missing = condition.Predicate.IsMissing(value);
            return new Explanation("field", path, condition.Predicate.Holds(value, asOf.Ticks))
            {
                Field = new FieldEvidence(condition.Field, missing ? null : value.ToPlain(), missing),
            };
        }

        public Explanation Visit(EngagementCondition condition) => Events("engagement", new EngagementMatcher(condition));

        public Explanation Visit(PixelCondition condition) => condition.SeenLast
            ? Last("pixel", LastEventMatcher.Of(condition))
            : Events("pixel", new PixelMatcher(condition));

        public Explanation Visit(ConversionCondition condition) => condition.SeenLast
            ? Last("conversion", LastEventMatcher.Of(condition))
            : Events("conversion", new ConversionMatcher(condition));

        public Explanation Visit(Everyone condition) => new("everyone", path, true);

        public Explanation Visit(BucketCondition condition)
        {
            var bucket = BucketCondition.Of(condition.Seed, contact.Id);
            return new Explanation("bucket", path, condition.Holds(contact.Id)) { Bucket = new BucketEvidence(condition.Seed, bucket) };
        }

        /// <summary><c>seen: last</c>: the one event tested.</summary>
        private Explanation Last(string kind, LastEventMatcher matcher)
        {
            var evidence = matcher.Explain(contact, asOf);
            return new Explanation(kind, path, evidence.Result) { Events = evidence };
        }

        public Explanation Visit(ListCondition condition)
        {
            var status = contact.ListStatusAt(condition.ListId, asOf.Ticks);
            var optedOut = contact.OptedOutSince(condition.ListId, asOf.Ticks);
            return new Explanation("list", path, ListMatcher.Holds(condition.Status, status))
            {
                List = new ListEvidence(condition.ListId, status, contact.RecordedListStatus(condition.ListId),
                    optedOut is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : null),
            };
        }

        public Explanation Visit(SegmentCondition condition)
        {
            var match = set[condition.SegmentId].Definition.Match.Accept(new Walker(set, contact, asOf, "$.match"));
            return new Explanation("segment", path, match.Result)
            {
                Segment = new SegmentExplanation(condition.SegmentId, contact.Id, asOf.Instant, match.Result, match),
            };
        }

        public Explanation Visit(ContextCondition condition)
        {
            var (result, index) = new ContextMatcher(condition).Decide(contact, asOf);
            var evidence = index < 0
                ? new ContextEvidence(null, null, null)
                : Context(condition.Kind, contact.Events[index]);
            return new Explanation(condition.Kind == ContextKind.Geo ? "geo" : "device", path, result) { Context = evidence };
        }

        private static ContextEvidence Context(ContextKind kind, FoldedEvent decisive)
        {
            var context = decisive.Info.Context(kind == ContextKind.Device)!;
            return new ContextEvidence(decisive.Id, new DateTimeOffset(decisive.At, TimeSpan.Zero),
                ContextCondition.AttributeNames(kind).Select((name, k) => (name, context.Get(k))).ToDictionary(a => a.name, a => a.Item2));
        }

        private Explanation Events(string kind, EventCountMatcher matcher)
        {
            var evidence = matcher.Explain(contact, asOf, EventEvidence.Listed);
            return new Explanation(kind, path, evidence.Result) { Events = evidence };
        }
    }
}
