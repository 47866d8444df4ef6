using Segments.Engine.Model;

namespace Segments.Engine.Language;

/// <summary>
/// An operator with its operand(s), applied to one scalar: a profile field, an event property, a geo or device
/// attribute. A value that is missing, null or not of the operator's type is a missing value: every operator is false
/// on it except the negative ones (<c>not_exists</c>, <c>neq</c>, <c>not_contains</c>, <c>not_in</c>). The set of
/// predicates is closed: passes other than evaluation go through <see cref="IScalarPredicateVisitor{TArg, TResult}"/>.
/// </summary>
public abstract class ScalarPredicate
{
    private protected ScalarPredicate(bool onMissing) => OnMissing = onMissing;

    /// <summary>The answer for a missing value.</summary>
    public bool OnMissing { get; }

    public bool Holds(in ScalarValue value, long asOfTicks) =>
        Accepts(value) ? HoldsForPresent(value, asOfTicks) : OnMissing;

    public abstract TResult Accept<TArg, TResult>(IScalarPredicateVisitor<TArg, TResult> visitor, TArg arg);

    /// <summary>Whether the value counts as missing for this predicate (absent, null, or not of its type).</summary>
    public bool IsMissing(in ScalarValue value) => !Accepts(value);

    /// <summary>Whether the value is of this predicate's type (otherwise it counts as missing).</summary>
    private protected abstract bool Accepts(in ScalarValue value);

    private protected abstract bool HoldsForPresent(in ScalarValue value, long asOfTicks);
}

/// <summary>
/// A pass over scalar predicates, one method per kind: a kind added to the language fails the build of every pass that
/// does not handle it. <typeparamref name="TArg"/> is what the pass hands down (the field, the path in a document).
/// </summary>
public interface IScalarPredicateVisitor<in TArg, out TResult>
{
    TResult Visit(PresencePredicate predicate, TArg arg);

    TResult Visit(TextPredicate predicate, TArg arg);

    TResult Visit(NumberPredicate predicate, TArg arg);

    TResult Visit(BooleanPredicate predicate, TArg arg);

    TResult Visit(DatePredicate predicate, TArg arg);

    TResult Visit(RelativeDatePredicate predicate, TArg arg);

    TResult Visit(TagsPredicate predicate, TArg arg);
}

/// <summary>
/// <c>exists</c> / <c>not_exists</c>: the value is present and of the expected kind (any kind when none is expected; for
/// <see cref="ValueKind.List"/>, a tags field, a list of text only).
/// </summary>
public sealed class PresencePredicate(PresenceOperator op, ValueKind? kind, bool needsDate) : ScalarPredicate(op == PresenceOperator.NotExists)
{
    public PresenceOperator Operator => op;

    public override TResult Accept<TArg, TResult>(IScalarPredicateVisitor<TArg, TResult> visitor, TArg arg) => visitor.Visit(this, arg);

    private protected override bool Accepts(in ScalarValue value) =>
        value.Kind != ValueKind.Missing && (kind is null || value.Kind == kind) && (!needsDate || value.DateTicks is not null)
        && (kind != ValueKind.List || value.IsTextList);

    private protected override bool HoldsForPresent(in ScalarValue value, long asOfTicks) => op == PresenceOperator.Exists;
}

/// <summary>Text operators, compared ordinally ignoring case.</summary>
public sealed class TextPredicate : ScalarPredicate
{
    private readonly string[] _values;
    private readonly Func<string, bool> _holds;

    public TextPredicate(TextOperator op, string[] values) : base(op is TextOperator.Neq or TextOperator.NotContains or TextOperator.NotIn)
    {
        Operator = op;
        _values = values;
        var v = values.Length > 0 ? values[0] : "";
        _holds = op switch
        {
            TextOperator.Eq => s => string.Equals(s, v, StringComparison.OrdinalIgnoreCase),
            TextOperator.Neq => s => !string.Equals(s, v, StringComparison.OrdinalIgnoreCase),
            TextOperator.Contains => s => s.Contains(v, StringComparison.OrdinalIgnoreCase),
            TextOperator.NotContains => s => !s.Contains(v, StringComparison.OrdinalIgnoreCase),
            TextOperator.StartsWith => s => s.StartsWith(v, StringComparison.OrdinalIgnoreCase),
            TextOperator.EndsWith => s => s.EndsWith(v, StringComparison.OrdinalIgnoreCase),
            TextOperator.In => In,
            TextOperator.NotIn => s => !In(s),
        };
    }

    public TextOperator Operator { get; }

    public IReadOnlyList<string> Values => _values;

    public override TResult Accept<TArg, TResult>(IScalarPredicateVisitor<TArg, TResult> visitor, TArg arg) => visitor.Visit(this, arg);

    private bool In(string s)
    {
        foreach (var v in _values)
        {
            if (string.Equals(s, v, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private protected override bool Accepts(in ScalarValue value) => value.Kind == ValueKind.Text;

    private protected override bool HoldsForPresent(in ScalarValue value, long asOfTicks) => _holds(value.Text!);
}

/// <summary>Number operators on doubles; <c>between</c> is inclusive at both ends.</summary>
public sealed class NumberPredicate(NumberOperator op, double[] values)
    : ScalarPredicate(op is NumberOperator.Neq or NumberOperator.NotIn)
{
    public NumberOperator Operator => op;

    public IReadOnlyList<double> Values => values;

    public override TResult Accept<TArg, TResult>(IScalarPredicateVisitor<TArg, TResult> visitor, TArg arg) => visitor.Visit(this, arg);

    public bool HoldsFor(double n) => op switch
    {
        NumberOperator.Eq => n == values[0],
        NumberOperator.Neq => n != values[0],
        NumberOperator.Gt => n > values[0],
        NumberOperator.Gte => n >= values[0],
        NumberOperator.Lt => n < values[0],
        NumberOperator.Lte => n <= values[0],
        NumberOperator.Between => n >= values[0] && n <= values[1],
        NumberOperator.In => Array.IndexOf(values, n) >= 0,
        NumberOperator.NotIn => Array.IndexOf(values, n) < 0,
    };

    private protected override bool Accepts(in ScalarValue value) => value.Kind == ValueKind.Number;

    private protected override bool HoldsForPresent(in ScalarValue value, long asOfTicks) => HoldsFor(value.Number);
}

/// <summary><c>eq</c> on a boolean.</summary>
public sealed class BooleanPredicate(bool expected) : ScalarPredicate(onMissing: false)
{
    public bool Expected => expected;

    public override TResult Accept<TArg, TResult>(IScalarPredicateVisitor<TArg, TResult> visitor, TArg arg) => visitor.Visit(this, arg);

    private protected override bool Accepts(in ScalarValue value) => value.Kind == ValueKind.Boolean;

    private protected override bool HoldsForPresent(in ScalarValue value, long asOfTicks) => value.Boolean == expected;
}

/// <summary>
/// Date operators with a fixed operand. A date-time operand is an instant (<c>before</c>/<c>after</c> strict); a date
/// operand is a UTC day (<c>eq</c> the same day, <c>before</c> the day's start, <c>after</c> its end, and as the upper
/// bound of <c>between</c> the whole day).
/// </summary>
public sealed class DatePredicate(DateOperator op, DateValue low, DateValue high) : ScalarPredicate(onMissing: false)
{
    public DateOperator Operator => op;

    public DateValue Low => low;

    public DateValue High => high;

    public override TResult Accept<TArg, TResult>(IScalarPredicateVisitor<TArg, TResult> visitor, TArg arg) => visitor.Visit(this, arg);

    private protected override bool Accepts(in ScalarValue value) => value.DateTicks is not null;

    private protected override bool HoldsForPresent(in ScalarValue value, long asOfTicks)
    {
        var v = value.DateTicks!.Value;
        return op switch
        {
            DateOperator.Eq => low.IsDay ? v >= low.Start.UtcTicks && v < low.End.UtcTicks : v == low.Start.UtcTicks,
            DateOperator.Before => v < low.Start.UtcTicks,
            DateOperator.After => low.IsDay ? v >= low.End.UtcTicks : v > low.Start.UtcTicks,
            DateOperator.Between => v >= low.Start.UtcTicks && (high.IsDay ? v < high.End.UtcTicks : v <= high.Start.UtcTicks),
        };
    }
}

/// <summary>
/// Date operators relative to the evaluation time T: <c>within_last</c> d is <c>T − d ≤ v ≤ T</c>, <c>more_than_ago</c>
/// d is <c>v &lt; T − d</c>, <c>within_next</c> d is <c>T ≤ v ≤ T + d</c>. Each holds for the times T of one span
/// (<see cref="HoldingTimes"/>), which both evaluation and the time edges read, so the two cannot disagree.
/// </summary>
public sealed class RelativeDatePredicate(RelativeDateOperator op, Duration duration) : ScalarPredicate(onMissing: false)
{
    public RelativeDateOperator Operator => op;

    public Duration Duration => duration;

    public override TResult Accept<TArg, TResult>(IScalarPredicateVisitor<TArg, TResult> visitor, TArg arg) => visitor.Visit(this, arg);

    /// <summary>The times T (UTC ticks) at which the predicate holds for the date <paramref name="v"/>: <c>From ≤ T &lt; Until</c>.</summary>
    public (long From, long Until) HoldingTimes(long v)
    {
        var d = duration.Ticks;
        return op switch
        {
            RelativeDateOperator.WithinLast => (v, v + d + 1),
            RelativeDateOperator.MoreThanAgo => (v + d + 1, long.MaxValue),
            RelativeDateOperator.WithinNext => (v - d, v + 1),
        };
    }

    private protected override bool Accepts(in ScalarValue value) => value.DateTicks is not null;

    private protected override bool HoldsForPresent(in ScalarValue value, long asOfTicks)
    {
        var (from, until) = HoldingTimes(value.DateTicks!.Value);
        return from <= asOfTicks && asOfTicks < until;
    }
}

/// <summary>
/// A <c>tags</c> field: <c>includes</c> (some element equals the value), <c>not_includes</c>, <c>includes_any</c>,
/// <c>includes_all</c>, ignoring case. Only a list of text is a tags value; anything else is missing.
/// </summary>
public sealed class TagsPredicate(TagsOperator op, string[] values) : ScalarPredicate(op == TagsOperator.NotIncludes)
{
    public TagsOperator Operator => op;

    public IReadOnlyList<string> Values => values;

    public override TResult Accept<TArg, TResult>(IScalarPredicateVisitor<TArg, TResult> visitor, TArg arg) => visitor.Visit(this, arg);

    private protected override bool Accepts(in ScalarValue value) => value.IsTextList;

    private protected override bool HoldsForPresent(in ScalarValue value, long asOfTicks)
    {
        var tags = value.List!.Items;
        bool Includes(string wanted)
        {
            foreach (var tag in tags)
            {
                if (string.Equals(tag.Text, wanted, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            return false;
        }
        return op switch
        {
            TagsOperator.Includes => Includes(values[0]),
            TagsOperator.NotIncludes => !Includes(values[0]),
            TagsOperator.IncludesAny => values.Any(Includes),
            TagsOperator.IncludesAll => values.All(Includes),
        };
    }
}
