namespace Segments.Engine.PushDown;

/// <summary>
/// A boolean SQL expression kept as a tree until printed, so that negations are pushed down to the atoms (De Morgan
/// holds in SQL's three-valued logic) and the text nests as little as possible: the local Cosmos server's parser takes
/// time exponential in the depth of parentheses, and a shallow query reads better anyway.
/// </summary>
internal abstract class SqlExpr
{
    public static readonly SqlExpr True = new Constant(true);
    public static readonly SqlExpr False = new Constant(false);

    /// <summary>A function call or an EXISTS: negated with NOT.</summary>
    public static SqlExpr Call(string text) => new Atom(text, $"NOT {text}");

    /// <summary>A comparison: negated by the opposite operator (the same answer for every typed pair, and undefined alike).</summary>
    public static SqlExpr Compare(string left, string op, string right) => new Atom($"{left} {op} {right}", $"{left} {Opposite(op)} {right}");

    public static SqlExpr And(params SqlExpr[] items) => Combine(items, and: true);

    public static SqlExpr Or(params SqlExpr[] items) => Combine(items, and: false);

    public abstract SqlExpr Not();

    /// <summary>A superset of this expression whose text nests at most <paramref name="maxDepth"/> deep (conjuncts dropped, else true).</summary>
    public virtual SqlExpr Loosen(int maxDepth) => Depth() <= maxDepth ? this : True;

    /// <summary>A subset of this expression whose text nests at most <paramref name="maxDepth"/> deep (disjuncts dropped, else false).</summary>
    public virtual SqlExpr Tighten(int maxDepth) => Depth() <= maxDepth ? this : False;

    /// <summary>Whether the text is an OR at its top level (and so needs parentheses as a conjunct).</summary>
    public virtual bool PrintsAsOr => false;

    /// <summary>A superset that nests at most <paramref name="maxDepth"/> deep once printed as a conjunct.</summary>
    public SqlExpr LoosenAsConjunct(int maxDepth) =>
        Loosen(maxDepth) is var loose && loose.PrintsAsOr && loose.Depth() >= maxDepth ? loose.Loosen(maxDepth - 1) : loose;

    /// <summary>The text, safe to AND with other conditions (an OR at the top is parenthesised).</summary>
    public string PrintConjunct() => PrintsAsOr ? $"({Print()})" : Print();

    public abstract string Print();

    /// <summary>The deepest nesting of parentheses in the printed text (values are parameters, so every parenthesis counts).</summary>
    public int Depth()
    {
        int depth = 0, max = 0;
        foreach (var c in Print())
        {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            max = Math.Max(max, depth);
        }
        return max;
    }

    private static string Opposite(string op) => op switch
    {
        "=" => "!=",
        "!=" => "=",
        ">" => "<=",
        "<=" => ">",
        "<" => ">=",
        ">=" => "<",
        _ => throw new ArgumentException($"no opposite of '{op}'", nameof(op)),
    };

    private static SqlExpr Combine(SqlExpr[] items, bool and)
    {
        var unit = and ? True : False;
        var zero = and ? False : True;
        var flat = new List<SqlExpr>();
        foreach (var item in items)
        {
            if (item == zero)
            {
                return zero;
            }
            if (item is Group group && group.IsAnd == and)
            {
                flat.AddRange(group.Items);
            }
            else if (item != unit)
            {
                flat.Add(item);
            }
        }
        return flat.Count switch
        {
            0 => unit,
            1 => flat[0],
            _ => new Group(and, flat),
        };
    }

    private sealed class Constant(bool value) : SqlExpr
    {
        public override SqlExpr Not() => value ? False : True;

        public override string Print() => value ? "true" : "false";
    }

    private sealed class Atom(string text, string negated) : SqlExpr
    {
        public override SqlExpr Not() => new Atom(negated, text);

        public override string Print() => text;
    }

    private sealed class Group(bool isAnd, List<SqlExpr> items) : SqlExpr
    {
        public bool IsAnd => isAnd;

        public IReadOnlyList<SqlExpr> Items => items;

        public override SqlExpr Not() => Combine([.. items.Select(i => i.Not())], !isAnd);

        // An OR inside an AND costs a level of parentheses; dropping a conjunct loosens, dropping a disjunct tightens.
        public override SqlExpr Loosen(int maxDepth) => Depth() <= maxDepth ? this : isAnd
            ? Combine([.. items.Select(i => i.PrintsAsOr ? (maxDepth > 0 ? i.Loosen(maxDepth - 1) : True) : i.Loosen(maxDepth))], true)
            : Combine([.. items.Select(i => i.Loosen(maxDepth))], false);

        public override SqlExpr Tighten(int maxDepth) => Depth() <= maxDepth ? this : isAnd
            ? Combine([.. items.Select(i => i.PrintsAsOr ? (maxDepth > 0 ? i.Tighten(maxDepth - 1) : False) : i.Tighten(maxDepth))], true)
            : Combine([.. items.Select(i => i.Tighten(maxDepth))], false);

        public override bool PrintsAsOr => !isAnd || Distributed() is not null;

        // AND binds tighter than OR: only an OR inside an AND needs parentheses, unless the AND is written out as an OR
        // of ANDs (when that takes few terms), which nests a level less.
        public override string Print() => isAnd
            ? Distributed() is { } terms
                ? string.Join(" OR ", terms.Select(t => t.Print()))
                : string.Join(" AND ", items.Select(i => i.PrintsAsOr ? $"({i.Print()})" : i.Print()))
            : string.Join(" OR ", items.Select(i => i.Print()));

        private List<SqlExpr>? Distributed()
        {
            const int MaxTerms = 8;
            var alternatives = items.Select(i => i is Group { IsAnd: false } or_ ? or_.Items : [i]).ToList();
            var count = alternatives.Aggregate(1L, (n, a) => n * a.Count);
            if (count == 1 || count > MaxTerms)
            {
                return null;
            }
            IEnumerable<IEnumerable<SqlExpr>> terms = [[]];
            foreach (var choices in alternatives)
            {
                terms = terms.SelectMany(t => choices.Select(c => t.Append(c)));
            }
            return [.. terms.Select(t => Combine([.. t], and: true))];
        }

    }
}
