using Segments.Engine.Model;

namespace Segments.Engine.Language;

/// <summary>
/// A <c>where</c> predicate's property: names separated by <c>.</c>, where a name followed by <c>[]</c> steps into every
/// element of an array (<c>product.price</c>, <c>items[].sku</c>, <c>items[].tags[]</c>). A path yields zero or more
/// values; a name does not step into an array, and <c>[]</c> over anything but an array yields nothing.
/// </summary>
public sealed class PropertyPath
{
    public const int MaxNames = 8;

    private readonly (string Name, bool Each)[] _steps;

    private PropertyPath(string text, (string Name, bool Each)[] steps)
    {
        Text = text;
        _steps = steps;
        HasEach = Array.Exists(steps, s => s.Each);
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>The names, in order, and whether each steps into an array.</summary>
    public IReadOnlyList<(string Name, bool Each)> Steps => _steps;

    /// <summary>Whether some step is <c>[]</c> (the path may yield several values).</summary>
    public bool HasEach { get; }

    /// <summary>A single top-level name: the v1 property.</summary>
    public bool IsName => _steps.Length == 1 && !HasEach;

    public override string ToString() => Text;

    /// <summary>Parses a path; null with the reason when it is not one.</summary>
    public static PropertyPath? Parse(string text, out string? error)
    {
        var parts = text.Split('.');
        if (parts.Length > MaxNames)
        {
            error = $"a property path has at most {MaxNames} names; '{text}' has {parts.Length}";
            return null;
        }
        var steps = new (string, bool)[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var each = part.EndsWith("[]", StringComparison.Ordinal);
            var name = each ? part[..^2] : part;
            if (name.Length == 0)
            {
                error = $"'{text}' has an empty name; write names separated by '.', such as product.price or items[].sku";
                return null;
            }
            if (name.AsSpan().IndexOfAny('[', ']') >= 0)
            {
                error = $"'{text}': '[]' comes once, directly after a name (items[].sku); a name cannot contain '[' or ']'";
                return null;
            }
            steps[i] = (name, each);
        }
        error = null;
        return new PropertyPath(text, steps);
    }

    /// <summary>
    /// Whether <paramref name="predicate"/> holds on what the path yields from <paramref name="properties"/>: a positive
    /// operator when any yielded value satisfies it; a negative one (true on a missing value: <c>not_exists</c>,
    /// <c>neq</c>, <c>not_contains</c>, <c>not_in</c>) when every yielded value does, that is, when none satisfies its
    /// positive counterpart. A path that yields nothing is a missing value either way, as in v1.
    /// </summary>
    public bool Holds(ScalarPredicate predicate, PropertyBag properties)
    {
        if (IsName)
        {
            return predicate.Holds(properties.Get(_steps[0].Name), 0);
        }
        var negative = predicate.OnMissing;
        // The walk stops at the first value that decides: one that satisfies a positive operator, or fails a negative one.
        var decided = Walk(ScalarValue.OfRecord(properties), 0, predicate, negative);
        return negative ? !decided : decided;
    }

    private bool Walk(in ScalarValue value, int step, ScalarPredicate predicate, bool negative)
    {
        if (step == _steps.Length)
        {
            return predicate.Holds(value, 0) != negative;
        }
        if (value.Record is not { } record)
        {
            return false;
        }
        var (name, each) = _steps[step];
        var next = record.Get(name);
        if (!each)
        {
            return next.Kind != ValueKind.Missing && Walk(next, step + 1, predicate, negative);
        }
        if (next.List is not { } list)
        {
            return false;
        }
        foreach (var item in list.Items)
        {
            if (item.Kind != ValueKind.Missing && Walk(item, step + 1, predicate, negative))
            {
                return true;
            }
        }
        return false;
    }
}
