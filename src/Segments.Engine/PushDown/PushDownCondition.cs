using Segments.Engine.Evaluation;
using Segments.Engine.Language;

namespace Segments.Engine.PushDown;

/// <summary>
/// What a scan hands to <see cref="Ports.IContactStore.ScanAsync"/> as its push-down: a condition, at best with the
/// segments it references written out in place (a store cannot look them up) and the time T it is evaluated at (so
/// that windows and list opt-outs can bound the scan). It is a hint for stores that filter, never evaluated itself:
/// the exact check runs in memory on whatever the store returns.
/// </summary>
public sealed record PushDownCondition(Condition Match, DateTimeOffset? AsOf)
{
    /// <summary>Past this many conditions, references are no longer written out (each left in place filters nothing).</summary>
    public const int MaxConditions = 4096;

    public static PushDownCondition For(CompiledSegment segment, SegmentSet segments, DateTimeOffset asOf) =>
        new(new Inliner(segments).Inline(segment.Definition.Match), asOf);

    /// <summary>Writes references out in place while the budget of <see cref="MaxConditions"/> lasts; every other condition stays as it is.</summary>
    private sealed class Inliner(SegmentSet segments) : IConditionVisitor<Condition>
    {
        private int _budget = MaxConditions;

        public Condition Inline(Condition condition)
        {
            _budget--;
            return condition.Accept(this);
        }

        public Condition Visit(AllOf condition) => new AllOf([.. condition.Conditions.Select(Inline)]);

        public Condition Visit(AnyOf condition) => new AnyOf([.. condition.Conditions.Select(Inline)]);

        public Condition Visit(Not condition) => new Not(Inline(condition.Condition));

        public Condition Visit(FieldCondition condition) => condition;

        public Condition Visit(EngagementCondition condition) => condition;

        public Condition Visit(PixelCondition condition) => condition;

        public Condition Visit(ConversionCondition condition) => condition;

        public Condition Visit(ListCondition condition) => condition;

        public Condition Visit(SegmentCondition condition) =>
            _budget > 0 && segments.TryGet(condition.SegmentId, out var target) ? Inline(target.Definition.Match) : condition;

        public Condition Visit(ContextCondition condition) => condition;

        public Condition Visit(Everyone condition) => condition;

        public Condition Visit(BucketCondition condition) => condition;
    }
}
