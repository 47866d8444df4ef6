using Segments.Core.Model;

namespace Segments.Core.Language;

/// <summary>
/// An operator with its operand(s), applied to one scalar. A value that is missing, null or not of the
/// operator's type is a missing value: every operator is false on it except the negative ones
/// (<c>not_exists</c>, <c>neq</c>, <c>not_contains</c>, <c>not_in</c>).
/// </summary>
public abstract class ScalarTest
{
    protected ScalarTest(string op)
    {
        Op = op;
        OnMissing = op is "not_exists" or "neq" or "not_contains" or "not_in";
    }

    public string Op { get; }

    /// <summary>The answer for a missing value.</summary>
    public bool OnMissing { get; }

    public bool Test(in ScalarValue value, long asOfTicks) =>
        Accepts(value) ? TestPresent(value, asOfTicks) : OnMissing;

    /// <summary>Whether the value counts as missing for this test (absent, null, or not of its type).</summary>
    public bool IsMissing(in ScalarValue value) => !Accepts(value);

    /// <summary>Whether the value is of this test's type (otherwise it counts as missing).</summary>
    protected abstract bool Accepts(in ScalarValue value);

    protected abstract bool TestPresent(in ScalarValue value, long asOfTicks);
}

/// <summary><c>exists</c> / <c>not_exists</c>: the value is present and of the expected kind (any kind when none is expected).</summary>
public sealed class ExistsTest(string op, ValueKind? kind, bool needsDate) : ScalarTest(op)
{
    protected override bool Accepts(in ScalarValue value) =>
        value.Kind != ValueKind.Missing && (kind is null || value.Kind == kind) && (!needsDate || value.DateTicks is not null);

    protected override bool TestPresent(in ScalarValue value, long asOfTicks) => Op == "exists";
}

/// <summary>Text operators, compared ordinally ignoring case.</summary>
public sealed class TextTest : ScalarTest
{
    private readonly string[] _values;
    private readonly Func<string, bool> _test;

    public TextTest(string op, string[] values) : base(op)
    {
        _values = values;
        var v = values.Length > 0 ? values[0] : "";
        _test = op switch
        {
            "eq" => s => string.Equals(s, v, StringComparison.OrdinalIgnoreCase),
            "neq" => s => !string.Equals(s, v, StringComparison.OrdinalIgnoreCase),
            "contains" => s => s.Contains(v, StringComparison.OrdinalIgnoreCase),
            "not_contains" => s => !s.Contains(v, StringComparison.OrdinalIgnoreCase),
            "starts_with" => s => s.StartsWith(v, StringComparison.OrdinalIgnoreCase),
            "ends_with" => s => s.EndsWith(v, StringComparison.OrdinalIgnoreCase),
            "in" => In,
            "not_in" => s => !In(s),
            "exists" => _ => true,
            "not_exists" => _ => false,
            _ => throw new ArgumentException($"'{op}' is not a text operator", nameof(op)),
        };
    }

    public IReadOnlyList<string> Values => _values;

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

    /// <summary>Tests a raw string, where null is a missing value (geo and device attributes).</summary>
    public bool TestText(string? text) => text is null ? OnMissing : _test(text);

    protected override bool Accepts(in ScalarValue value) => value.Kind == ValueKind.Text;

    protected override bool TestPresent(in ScalarValue value, long asOfTicks) => _test(value.Text!);
}

/// <summary>Number operators on doubles; <c>between</c> is inclusive at both ends.</summary>
public sealed class NumberTest : ScalarTest
{
    private readonly double[] _values;

    public NumberTest(string op, double[] values) : base(op) => _values = values;

    public IReadOnlyList<double> Values => _values;

    public bool TestNumber(double n) => Op switch
    {
        "eq" => n == _values[0],
        "neq" => n != _values[0],
        "gt" => n > _values[0],
        "gte" => n >= _values[0],
        "lt" => n < _values[0],
        "lte" => n <= _values[0],
        "between" => n >= _values[0] && n <= _values[1],
        "in" => Array.IndexOf(_values, n) >= 0,
        "not_in" => Array.IndexOf(_values, n) < 0,
        _ => false,
    };

    protected override bool Accepts(in ScalarValue value) => value.Kind == ValueKind.Number;

    protected override bool TestPresent(in ScalarValue value, long asOfTicks) => TestNumber(value.Number);
}

public sealed class BooleanTest(bool expected) : ScalarTest("eq")
{
    public bool Expected => expected;

    protected override bool Accepts(in ScalarValue value) => value.Kind == ValueKind.Boolean;

    protected override bool TestPresent(in ScalarValue value, long asOfTicks) => value.Boolean == expected;
}

/// <summary>
/// Date operators. A date-time operand is an instant (<c>before</c>/<c>after</c> strict); a date operand is a
/// UTC day (<c>eq</c> the same day, <c>before</c> the day's start, <c>after</c> its end, and as the upper
/// bound of <c>between</c> the whole day). Relative operators use the as-of time T.
/// </summary>
public sealed class DateTest : ScalarTest
{
    private readonly DateValue _low;
    private readonly DateValue _high;
    private readonly long _durationTicks;

    public DateTest(string op, DateValue low, DateValue high) : base(op)
    {
        _low = low;
        _high = high;
    }

    public DateTest(string op, Duration duration) : base(op) => _durationTicks = duration.Ticks;

    public DateValue Low => _low;

    public DateValue High => _high;

    public long DurationTicks => _durationTicks;

    protected override bool Accepts(in ScalarValue value) => value.DateTicks is not null;

    protected override bool TestPresent(in ScalarValue value, long asOfTicks)
    {
        var v = value.DateTicks!.Value;
        return Op switch
        {
            "eq" => _low.IsDay ? v >= _low.Start.UtcTicks && v < _low.End.UtcTicks : v == _low.Start.UtcTicks,
            "before" => v < _low.Start.UtcTicks,
            "after" => _low.IsDay ? v >= _low.End.UtcTicks : v > _low.Start.UtcTicks,
            "between" => v >= _low.Start.UtcTicks && (_high.IsDay ? v < _high.End.UtcTicks : v <= _high.Start.UtcTicks),
            "within_last" => asOfTicks - _durationTicks <= v && v <= asOfTicks,
            "more_than_ago" => v < asOfTicks - _durationTicks,
            "within_next" => asOfTicks <= v && v <= asOfTicks + _durationTicks,
            _ => false,
        };
    }
}
