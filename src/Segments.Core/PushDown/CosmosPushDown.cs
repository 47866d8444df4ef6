using Segments.Core.Language;
using Segments.Core.Model;

namespace Segments.Core.PushDown;

/// <summary>A Cosmos DB SQL boolean expression over a stored contact document, with the values it names as parameters.</summary>
public sealed record CosmosFilter(string Sql, IReadOnlyList<KeyValuePair<string, object>> Parameters)
{
    /// <summary>True when the filter lets every document through (nothing worth sending to the server).</summary>
    public bool IsEverything => Sql == CosmosPushDown.True;
}

/// <summary>
/// Compiles a condition into a Cosmos DB SQL filter over the stored shape of <see cref="Documents.ContactDocumentJson"/>
/// that is a superset of the members: it may let non-members through, never leaves a member out. The exact check
/// runs in memory afterwards.
/// <para>
/// Every condition compiles to two filters, a superset (member ⇒ true) and a subset (true ⇒ member), each always
/// true or false, never undefined (every path is guarded by a type check). <c>and</c>/<c>or</c> combine them
/// side by side and <c>not</c> swaps and negates them, so a negation is only as tight as the subset of what it
/// negates: what has no exact filter (events, dates) negates to "everything".
/// </para>
/// <para>
/// Text compares case-insensitively (ordinal), which Cosmos DB cannot do exactly for every script. So operands
/// are compared upper-cased and exactly when both sides are ASCII; a stored value with any other character,
/// or a non-ASCII operand, is let through. Event times are ticks that Cosmos DB may hold as doubles: rounding is
/// monotonic, so the superset compares with ≤ where the subset needs &lt;.
/// </para>
/// </summary>
public static class CosmosPushDown
{
    public const string True = "true";
    public const string False = "false";

    /// <summary>
    /// The filter of <paramref name="condition"/> over the document at <paramref name="root"/> (such as <c>c</c> or
    /// <c>c.doc</c>); parameter names start with <paramref name="parameterPrefix"/>. A <see cref="PushDownCondition"/>
    /// also bounds event windows and list opt-outs by its time; a bare condition is filtered without a time.
    /// </summary>
    public static CosmosFilter Compile(Condition condition, string root, string parameterPrefix = "@pd")
    {
        var compiler = condition is PushDownCondition hint
            ? new Compiler(root, parameterPrefix, hint.AsOf.UtcTicks)
            : new Compiler(root, parameterPrefix, null);
        var (superset, _) = compiler.Compile(condition is PushDownCondition h ? h.Match : condition);
        return new CosmosFilter(superset, compiler.Parameters);
    }

    /// <summary>A pair of filters: <see cref="Superset"/> holds for every member, <see cref="Subset"/> only for members.</summary>
    private readonly record struct Bounds(string Superset, string Subset)
    {
        public static readonly Bounds Unknown = new(True, False);

        public static Bounds Exact(string sql) => new(sql, sql);

        public Bounds Negate() => new(Not(Subset), Not(Superset));
    }

    /// <summary>Which kind of value an <c>exists</c> test asks for (the parser decides it from the field type; event properties take any).</summary>
    private enum Presence : byte
    {
        Any,
        Text,
        Number,
        Boolean,
        Date,
    }

    private sealed class Compiler(string root, string prefix, long? asOf)
    {
        private const string Info = "pd_i";
        private const string Total = "pd_t";

        // Infos: [kind, name, action, campaignId, properties, geo, device, value, currency, attributedCampaign];
        // compacted totals: [kind, name, action, campaignId, attributedCampaign, count, valueSum, newestAt].
        private const int InfoKind = 0, InfoName = 1, InfoAction = 2, InfoCampaign = 3, InfoProperties = 4, InfoGeo = 5, InfoDevice = 6,
            InfoAttributed = 9;
        private const int TotalKind = 0, TotalName = 1, TotalAction = 2, TotalCampaign = 3, TotalAttributed = 4;

        private readonly List<KeyValuePair<string, object>> _parameters = [];
        private readonly Dictionary<object, string> _named = [];

        public IReadOnlyList<KeyValuePair<string, object>> Parameters => _parameters;

        public Bounds Compile(Condition condition) => condition switch
        {
            AllOf all => all.Conditions.Select(Compile).Aggregate(Bounds.Exact(True), (a, b) => new(And(a.Superset, b.Superset), And(a.Subset, b.Subset))),
            AnyOf any => any.Conditions.Select(Compile).Aggregate(Bounds.Exact(False), (a, b) => new(Or(a.Superset, b.Superset), Or(a.Subset, b.Subset))),
            Not not => Compile(not.Condition).Negate(),
            FieldCondition f => Scalar(f.Test, FieldPath(f.Field), f.Type switch
            {
                FieldType.Text => Presence.Text,
                FieldType.Number => Presence.Number,
                FieldType.Boolean => Presence.Boolean,
                _ => Presence.Date,
            }),
            ListCondition l => List(l),
            EngagementCondition e => Engagement(e),
            PixelCondition p => Pixel(p),
            ConversionCondition c => Conversion(c),
            ContextCondition g => Context(g),
            // References are written out by PushDownCondition; one left here filters nothing.
            _ => Bounds.Unknown,
        };

        // --- profile values ---------------------------------------------------------------------------------

        private string FieldPath(string field) => field switch
        {
            "email" => $"{root}.email",
            "first_name" => $"{root}.firstName",
            "last_name" => $"{root}.lastName",
            "created_at" => $"{root}.createdAt",
            _ => $"{root}.fields[{Parameter(field)}]",
        };

        /// <summary>
        /// A test of one stored scalar at <paramref name="x"/>. Scalars are stored as plain JSON values, except rare
        /// ones that would not read back the same, stored as an object: those are let through by every superset.
        /// </summary>
        private Bounds Scalar(ScalarTest test, string x, Presence presence) => test switch
        {
            ExistsTest e => Exists(x, presence, e.Op == "exists"),
            TextTest t => Text(t, x),
            NumberTest n => Number(n, x),
            BooleanTest b => Typed(x, "IS_BOOL", $"{x} = {Parameter(b.Expected)}"),
            // Dates are stored as the text they were given (any offset, day or instant): not compared here.
            _ => new Bounds(Or($"IS_STRING({x})", $"IS_OBJECT({x})"), False),
        };

        private Bounds Exists(string x, Presence presence, bool exists)
        {
            var present = presence switch
            {
                Presence.Any => new Bounds($"(IS_DEFINED({x}) AND NOT IS_NULL({x}))",
                    Or(Or($"IS_STRING({x})", $"IS_NUMBER({x})"), $"IS_BOOL({x})")),
                Presence.Text => new Bounds(Or($"IS_STRING({x})", $"IS_OBJECT({x})"), $"IS_STRING({x})"),
                Presence.Number => new Bounds(Or($"IS_NUMBER({x})", $"IS_OBJECT({x})"), $"IS_NUMBER({x})"),
                Presence.Boolean => new Bounds(Or($"IS_BOOL({x})", $"IS_OBJECT({x})"), $"IS_BOOL({x})"),
                _ => new Bounds(Or($"IS_STRING({x})", $"IS_OBJECT({x})"), False),
            };
            return exists ? present : present.Negate();
        }

        /// <summary>A positive test on values of one JSON type; the negative operators are its negation.</summary>
        private Bounds Typed(string x, string isType, string test) =>
            new(Or($"IS_OBJECT({x})", And($"{isType}({x})", test)), And($"{isType}({x})", test));

        private Bounds Number(NumberTest test, string x)
        {
            var v = test.Values;
            var positive = test.Op switch
            {
                "eq" or "neq" => $"{x} = {Parameter(v[0])}",
                "gt" => $"{x} > {Parameter(v[0])}",
                "gte" => $"{x} >= {Parameter(v[0])}",
                "lt" => $"{x} < {Parameter(v[0])}",
                "lte" => $"{x} <= {Parameter(v[0])}",
                "between" => $"({x} >= {Parameter(v[0])} AND {x} <= {Parameter(v[1])})",
                "in" or "not_in" => $"ARRAY_CONTAINS({Parameter(v.ToArray())}, {x})",
                _ => null,
            };
            if (positive is null)
            {
                return Bounds.Unknown;
            }
            var bounds = Typed(x, "IS_NUMBER", positive);
            return test.OnMissing ? bounds.Negate() : bounds;
        }

        private Bounds Text(TextTest test, string x)
        {
            if (test.Op is "exists" or "not_exists")
            {
                return Exists(x, Presence.Text, test.Op == "exists");
            }
            var bounds = PositiveText(test.Op, test.Values, x);
            return test.OnMissing ? bounds.Negate() : bounds;
        }

        /// <summary>eq, contains, starts_with, ends_with, in (and, to be negated, neq, not_contains, not_in).</summary>
        private Bounds PositiveText(string op, IReadOnlyList<string> values, string x)
        {
            if (values.Any(v => !IsAscii(v)))
            {
                return new Bounds(Or($"IS_STRING({x})", $"IS_OBJECT({x})"), False);
            }
            var upper = $"UPPER({x})";
            var test = op switch
            {
                "eq" or "neq" => $"{upper} = {Parameter(values[0].ToUpperInvariant())}",
                "contains" or "not_contains" => $"CONTAINS({upper}, {Parameter(values[0].ToUpperInvariant())})",
                "starts_with" => $"STARTSWITH({upper}, {Parameter(values[0].ToUpperInvariant())})",
                "ends_with" => $"ENDSWITH({upper}, {Parameter(values[0].ToUpperInvariant())})",
                "in" or "not_in" => $"ARRAY_CONTAINS({Parameter(values.Select(v => v.ToUpperInvariant()).ToArray())}, {upper})",
                _ => null,
            };
            if (test is null)
            {
                return Bounds.Unknown;
            }
            var nonAscii = $"REGEXMATCH({x}, {Parameter("[^\\x00-\\x7F]")})";
            return new Bounds(
                Or($"IS_OBJECT({x})", And($"IS_STRING({x})", Or(nonAscii, test))),
                And(And($"IS_STRING({x})", Not(nonAscii)), test));
        }

        /// <summary>Case-insensitive equality with a name (event names): a superset only.</summary>
        private string NameIs(string x, string name) => PositiveText("eq", [name], x).Superset;

        // --- lists ------------------------------------------------------------------------------------------

        private Bounds List(ListCondition condition)
        {
            var id = Parameter(condition.ListId);
            var recorded = $"{root}.lists[{id}]";
            var optOut = $"{root}.listOptOuts[{id}]";
            // Opted out at or before T: for sure (strictly before T once rounded) and possibly (at or before).
            var (optedOutSurely, optedOutPossibly) = asOf is { } t
                ? (And($"IS_NUMBER({optOut})", $"{optOut} < {Parameter(t)}"), And($"IS_NUMBER({optOut})", $"{optOut} <= {Parameter(t)}"))
                : (False, $"IS_NUMBER({optOut})");
            string Recorded(string status) => And($"IS_STRING({recorded})", $"{recorded} = {Parameter(status)}");
            return condition.Status switch
            {
                ListStatusFilter.Subscribed => new Bounds(
                    And(Recorded(ListStatuses.Subscribed), Not(optedOutSurely)), And(Recorded(ListStatuses.Subscribed), Not(optedOutPossibly))),
                ListStatusFilter.Unsubscribed => new Bounds(
                    Or(optedOutPossibly, Recorded(ListStatuses.Unsubscribed)), Or(optedOutSurely, Recorded(ListStatuses.Unsubscribed))),
                _ => new Bounds(
                    Or(optedOutPossibly, $"(IS_DEFINED({recorded}) AND NOT IS_NULL({recorded}))"), Or(optedOutSurely, $"IS_STRING({recorded})")),
            };
        }

        // --- events -----------------------------------------------------------------------------------------

        private Bounds Engagement(EngagementCondition c)
        {
            if (c.Count.Holds(0))
            {
                return Bounds.Unknown;
            }
            var words = c.Event switch
            {
                EngagementEvent.Engaged => new[] { "open", "click" },
                var single => [single.ToString().ToLowerInvariant()],
            };
            var campaign = c.Campaign.Kind == CampaignScopeKind.Id ? Parameter(c.Campaign.CampaignId!) : null;
            var actions = Parameter(words);
            var info = And(
                And($"{Slot(Info, InfoKind)} = {Parameter(EventKind.Email.ToWord())}",
                    Or(And($"IS_STRING({Slot(Info, InfoAction)})", $"ARRAY_CONTAINS({actions}, {Slot(Info, InfoAction)})"),
                        And($"NOT IS_STRING({Slot(Info, InfoAction)})", PositiveText("in", words, Slot(Info, InfoName)).Superset))),
                campaign is null ? True : And($"IS_STRING({Slot(Info, InfoCampaign)})", $"{Slot(Info, InfoCampaign)} = {campaign}"));
            var total = And(
                And($"{Slot(Total, TotalKind)} = {Parameter(EventKind.Email.ToWord())}", $"ARRAY_CONTAINS({actions}, {Slot(Total, TotalAction)})"),
                campaign is null ? True : And($"IS_STRING({Slot(Total, TotalCampaign)})", $"{Slot(Total, TotalCampaign)} = {campaign}"));
            return SomeEvent(c.Within, info, total);
        }

        private Bounds Pixel(PixelCondition c)
        {
            if (c.Count.Holds(0))
            {
                return Bounds.Unknown;
            }
            var info = And(And($"{Slot(Info, InfoKind)} = {Parameter(EventKind.Pixel.ToWord())}", NameIs(Slot(Info, InfoName), c.Event)),
                Where(c.Where));
            var total = c.Where.Count > 0
                ? null
                : And($"{Slot(Total, TotalKind)} = {Parameter(EventKind.Pixel.ToWord())}", NameIs(Slot(Total, TotalName), c.Event));
            return SomeEvent(c.Within, info, total);
        }

        private Bounds Conversion(ConversionCondition c)
        {
            // Zero matching conversions give a count of 0 and a sum of 0: only when that fails is a conversion needed.
            var noneQualifies = c.Count is null && c.Value is null
                ? false
                : (c.Count is null || c.Count.Holds(0)) && (c.Value is null || c.Value.TestNumber(0));
            if (noneQualifies)
            {
                return Bounds.Unknown;
            }
            string Campaign(string attributed) => c.Campaign.Kind switch
            {
                CampaignScopeKind.Any => $"IS_STRING({attributed})",
                CampaignScopeKind.Id => And($"IS_STRING({attributed})", $"{attributed} = {Parameter(c.Campaign.CampaignId!)}"),
                _ => True,
            };
            var kind = Parameter(EventKind.Conversion.ToWord());
            var info = And(And(And($"{Slot(Info, InfoKind)} = {kind}", c.Event is null ? True : NameIs(Slot(Info, InfoName), c.Event)),
                Campaign(Slot(Info, InfoAttributed))), Where(c.Where));
            var total = c.Where.Count > 0
                ? null
                : And(And($"{Slot(Total, TotalKind)} = {kind}", c.Event is null ? True : NameIs(Slot(Total, TotalName), c.Event)),
                    Campaign(Slot(Total, TotalAttributed)));
            return SomeEvent(c.Within, info, total);
        }

        /// <summary>Geo and device: some retained event (in the window) carries that context and satisfies every given predicate.</summary>
        private Bounds Context(ContextCondition c)
        {
            var context = Slot(Info, c.Kind == ContextKind.Geo ? InfoGeo : InfoDevice);
            var info = $"IS_ARRAY({context})";
            for (var k = 0; k < c.Tests.Count; k++)
            {
                if (c.Tests[k] is { } test)
                {
                    info = And(info, Text(test, $"{context}[{k}]").Superset);
                }
            }
            return SomeEvent(c.Within, info, null);
        }

        /// <summary>All predicates of a <c>where</c> list on the same event's properties.</summary>
        private string Where(IReadOnlyList<PropertyPredicate> where) =>
            where.Aggregate(True, (sql, p) =>
                And(sql, Scalar(p.Test, $"{Slot(Info, InfoProperties)}[{Parameter(p.Property)}]", Presence.Any).Superset));

        /// <summary>
        /// A member needs at least one matching event: a retained one (its content among the infos, and with a window,
        /// the document's newest event inside it) or, without a window, a matching compacted total.
        /// </summary>
        private Bounds SomeEvent(Duration? within, string info, string? total)
        {
            var retained = $"EXISTS(SELECT VALUE {Info} FROM {Info} IN {root}.infos WHERE {info})";
            if (within is { } w)
            {
                // A window (T − w, T] holds an event only if the newest event is after T − w (≥ once rounded).
                var window = asOf is { } t ? And($"IS_NUMBER({root}.newestAt)", $"{root}.newestAt >= {Parameter(t - w.Ticks)}") : True;
                return new Bounds(And(window, retained), False);
            }
            var compacted = total is null ? False : $"EXISTS(SELECT VALUE {Total} FROM {Total} IN {root}.compacted WHERE {total})";
            return new Bounds(Or(retained, compacted), False);
        }

        private static string Slot(string alias, int index) => $"{alias}[{index}]";

        private string Parameter(object value)
        {
            // Equal scalars share a name; arrays get their own.
            if (value is not Array && _named.TryGetValue(value, out var known))
            {
                return known;
            }
            var name = $"{prefix}{_parameters.Count}";
            _parameters.Add(KeyValuePair.Create(name, value));
            if (value is not Array)
            {
                _named[value] = name;
            }
            return name;
        }

        private static bool IsAscii(string text) => text.All(char.IsAscii);
    }

    private static string And(string a, string b) =>
        a == False || b == False ? False : a == True ? b : b == True ? a : $"({a} AND {b})";

    private static string Or(string a, string b) =>
        a == True || b == True ? True : a == False ? b : b == False ? a : $"({a} OR {b})";

    private static string Not(string a) => a == True ? False : a == False ? True : $"(NOT {a})";
}
