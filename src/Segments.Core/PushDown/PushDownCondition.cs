using Segments.Core.Evaluation;
using Segments.Core.Language;

namespace Segments.Core.PushDown;

/// <summary>
/// What a resolution hands to <see cref="Ports.IContactStore.ScanAsync"/> as its push-down: the segment's condition
/// with the segments it references written out in place (a store cannot look them up), and the time T it is
/// evaluated at (so that windows and list opt-outs can bound the scan). It is a hint for stores that filter, never
/// evaluated itself: the exact check runs in memory on whatever the store returns.
/// </summary>
public sealed record PushDownCondition(Condition Match, DateTimeOffset AsOf) : Condition
{
    /// <summary>Past this many conditions, references are no longer written out (each left in place filters nothing).</summary>
    public const int MaxConditions = 4096;

    public static PushDownCondition For(CompiledSegment segment, SegmentSet segments, DateTimeOffset asOf)
    {
        var budget = MaxConditions;
        return new PushDownCondition(Inline(segment.Definition.Match, segments, ref budget), asOf);
    }

    private static Condition Inline(Condition condition, SegmentSet segments, ref int budget)
    {
        budget--;
        switch (condition)
        {
            case AllOf all:
                return new AllOf(InlineAll(all.Conditions, segments, ref budget));
            case AnyOf any:
                return new AnyOf(InlineAll(any.Conditions, segments, ref budget));
            case Not not:
                return new Not(Inline(not.Condition, segments, ref budget));
            case SegmentCondition reference when budget > 0 && segments.TryGet(reference.SegmentId, out var target):
                return Inline(target.Definition.Match, segments, ref budget);
            default:
                return condition;
        }
    }

    private static Condition[] InlineAll(IReadOnlyList<Condition> conditions, SegmentSet segments, ref int budget)
    {
        var result = new Condition[conditions.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Inline(conditions[i], segments, ref budget);
        }
        return result;
    }
}
