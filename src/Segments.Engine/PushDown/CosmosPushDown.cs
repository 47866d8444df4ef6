using System.Text.RegularExpressions;
using Segments.Engine.Language;
using Segments.Engine.Model;
using static Segments.Engine.PushDown.SqlExpr;

namespace Segments.Engine.PushDown;

/// <summary>
/// A Cosmos DB SQL boolean expression over a stored contact document, with the values it names as parameters. The text
/// is a conjunct: it can be ANDed to other conditions as it is.
/// </summary>
public sealed record CosmosFilter(string Sql, IReadOnlyList<KeyValuePair<string, object>> Parameters)
{
    /// <summary>True when the filter lets every document through (nothing worth sending to the server).</summary>
    public bool IsEverything => Sql == "true";
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
/// or a non-ASCII operand, is let through. Times are UTC ticks, stored as decimal strings (beyond 2^53, where a
/// double is no longer exact): for times between the years 318 and 3169 (18 digits) they compare exactly as
/// strings of the same length; outside that span time does not bound the scan.
/// </para>
/// <para>
/// Filters nest at most <see cref="MaxDepth"/> parentheses deep: deeper parts are loosened (a conjunct dropped, an
/// alternative let through). Every level costs the local Cosmos server's parser about ten times more.
/// </para>
/// </summary>
public static class CosmosPushDown
{
    public const int MaxDepth = 3;

    /// <summary>
    /// The filter of <paramref name="pushDown"/> over the document at <paramref name="root"/> (such as <c>c</c> or
    /// <c>c.doc</c>); parameter names start with <paramref name="parameterPrefix"/>. With a time, event windows and list
    /// opt-outs are bounded by it; without, the condition is filtered without a time.
    /// </summary>
    public static CosmosFilter Compile(PushDownCondition pushDown, string root, string parameterPrefix = "@pd")
    {
        var compiler = new Compiler(root, parameterPrefix, pushDown.AsOf?.UtcTicks);
        var superset = pushDown.Match.Accept(compiler).Superset.LoosenAsConjunct(MaxDepth);
        var sql = superset.PrintConjunct();
        // Parameters of parts that were loosened away are not sent.
        var used = Regex.Matches(sql, Regex.Escape(parameterPrefix) + "[0-9]+").Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        return new CosmosFilter(sql, [.. compiler.Parameters.Where(p => used.Contains(p.Key))]);
    }

    /// <summary>A pair of filters: <see cref="Superset"/> holds for every member, <see cref="Subset"/> only for members.</summary>
    private readonly record struct Bounds(SqlExpr Superset, SqlExpr Subset)
    {
        public static readonly Bounds Unknown = new(True, False);

        public Bounds Negate() => new(Subset.Not(), Superset.Not());
    }

    /// <summary>Which kind of value an <c>exists</c> test asks for (the parser decides it from the field type; event properties take any).</summary>
    private enum Presence : byte
    {
        Any,
        Text,
        Number,
        Boolean,
        Date,
        Tags,
    }

    private sealed class Compiler(string root, string prefix, long? asOf)
        : IConditionVisitor<Bounds>, IScalarPredicateVisitor<(string X, Presence Presence), Bounds>
    {
        private const string Info = "pd_i";

        /// <summary>Any character outside ASCII, where upper-casing in Cosmos DB and in .NET may part ways.</summary>
        private const string NonAscii = "[^\\x00-\\x7F]";
        private const string Total = "pd_t";
        private const string ListChangeAlias = "pd_l";

        // Infos: [kind, name, action, campaignId, properties, geo, device, value, currency, attributedCampaign];
        // compacted totals: [kind, name, action, campaignId, attributedCampaign, count, valueSum, newestAt].
        private const int InfoKind = 0, InfoName = 1, InfoAction = 2, InfoCampaign = 3, InfoProperties = 4, InfoGeo = 5, InfoDevice = 6,
            InfoAttributed = 9;
        private const int TotalKind = 0, TotalName = 1, TotalAction = 2, TotalCampaign = 3, TotalAttributed = 4;

        private readonly List<KeyValuePair<string, object>> _parameters = [];
        private readonly Dictionary<object, string> _named = [];

        public IReadOnlyList<KeyValuePair<string, object>> Parameters => _parameters;

        public Bounds Visit(AllOf condition) => Combine(condition.Conditions, SqlExpr.And);

        public Bounds Visit(AnyOf condition) => Combine(condition.Conditions, SqlExpr.Or);

        public Bounds Visit(Not condition) => condition.Condition.Accept(this).Negate();

        public Bounds Visit(FieldCondition condition) => condition.Predicate.Accept(this, (FieldPath(condition.Field), condition.Type switch
        {
            FieldType.Text => Presence.Text,
            FieldType.Number => Presence.Number,
            FieldType.Boolean => Presence.Boolean,
            FieldType.Date => Presence.Date,
            FieldType.Tags => Presence.Tags,
        }));

        public Bounds Visit(Everyone condition) => new(True, True);

        // A bucket is a hash of the contact id, which the stored document does not hold: evaluated after the read.
        public Bounds Visit(BucketCondition condition) => Bounds.Unknown;

        // References are written out by PushDownCondition; one left here filters nothing.
        public Bounds Visit(SegmentCondition condition) => Bounds.Unknown;

        private Bounds Combine(IReadOnlyList<Condition> conditions, Func<SqlExpr[], SqlExpr> combine)
        {
            var parts = conditions.Select(c => c.Accept(this)).ToArray();
            return new Bounds(combine([.. parts.Select(p => p.Superset)]), combine([.. parts.Select(p => p.Subset)]));
        }

        // --- profile values ---------------------------------------------------------------------------------

        private string FieldPath(string field) => field switch
        {
            "email" => $"{root}.email",
            "first_name" => $"{root}.firstName",
            "last_name" => $"{root}.lastName",
            "created_at" => $"{root}.createdAt",
            _ => $"{root}.fields[{Parameter(field)}]",
        };

        // A predicate on one stored scalar at X. Scalars are stored as plain JSON values, except rare ones that would
        // not read back the same, stored as an object: those are let through by every superset.

        public Bounds Visit(PresencePredicate predicate, (string X, Presence Presence) at) =>
            Exists(at.X, at.Presence, predicate.Operator == PresenceOperator.Exists);

        public Bounds Visit(TextPredicate predicate, (string X, Presence Presence) at) => Text(predicate, at.X);

        public Bounds Visit(NumberPredicate predicate, (string X, Presence Presence) at) => Number(predicate, at.X);

        public Bounds Visit(BooleanPredicate predicate, (string X, Presence Presence) at) =>
            Typed(at.X, "BOOL", Compare(at.X, "=", Parameter(predicate.Expected)));

        // Dates are stored as the text they were given (any offset, day or instant): not compared here.
        public Bounds Visit(DatePredicate predicate, (string X, Presence Presence) at) => AnyText(at.X);

        public Bounds Visit(RelativeDatePredicate predicate, (string X, Presence Presence) at) => AnyText(at.X);

        private static Bounds AnyText(string x) => new(Or(Is("STRING", x), Is("OBJECT", x)), False);

        private static SqlExpr Is(string type, string x) => Call($"IS_{type}({x})");

        private Bounds Exists(string x, Presence presence, bool exists)
        {
            var present = presence switch
            {
                Presence.Any => new Bounds(And(Is("DEFINED", x), Is("NULL", x).Not()), Or(Is("STRING", x), Is("NUMBER", x), Is("BOOL", x))),
                Presence.Text => new Bounds(Or(Is("STRING", x), Is("OBJECT", x)), Is("STRING", x)),
                Presence.Number => new Bounds(Or(Is("NUMBER", x), Is("OBJECT", x)), Is("NUMBER", x)),
                Presence.Boolean => new Bounds(Or(Is("BOOL", x), Is("OBJECT", x)), Is("BOOL", x)),
                Presence.Date => AnyText(x),
                // Tags are stored as a JSON array; whether all of its elements are text is checked after the read.
                Presence.Tags => new Bounds(Is("ARRAY", x), False),
            };
            return exists ? present : present.Negate();
        }

        /// <summary>A positive test on values of one JSON type; the negative operators are its negation.</summary>
        private static Bounds Typed(string x, string type, SqlExpr test) =>
            new(Or(Is("OBJECT", x), And(Is(type, x), test)), And(Is(type, x), test));

        private Bounds Number(NumberPredicate predicate, string x)
        {
            var v = predicate.Values;
            var positive = predicate.Operator switch
            {
                NumberOperator.Eq or NumberOperator.Neq => Compare(x, "=", Parameter(v[0])),
                NumberOperator.Gt => Compare(x, ">", Parameter(v[0])),
                NumberOperator.Gte => Compare(x, ">=", Parameter(v[0])),
                NumberOperator.Lt => Compare(x, "<", Parameter(v[0])),
                NumberOperator.Lte => Compare(x, "<=", Parameter(v[0])),
                NumberOperator.Between => And(Compare(x, ">=", Parameter(v[0])), Compare(x, "<=", Parameter(v[1]))),
                NumberOperator.In or NumberOperator.NotIn => Call($"ARRAY_CONTAINS({Parameter(v.ToArray())}, {x})"),
            };
            var bounds = Typed(x, "NUMBER", positive);
            return predicate.OnMissing ? bounds.Negate() : bounds;
        }

        /// <summary>
        /// Tags: the positive operators need a stored array; the elements are compared after the read. (Looking into the
        /// array needs <c>FROM … IN</c> on <c>fields[name]</c>, which the local Cosmos server fails on documents without
        /// fields, and <c>ARRAY_CONTAINS</c> compares case-sensitively, where tags ignore case.)
        /// </summary>
        public Bounds Visit(TagsPredicate predicate, (string X, Presence Presence) at)
        {
            var includes = new Bounds(Is("ARRAY", at.X), False);
            return predicate.OnMissing ? includes.Negate() : includes;
        }

        private Bounds Text(TextPredicate predicate, string x)
        {
            var bounds = PositiveText(predicate.Operator, predicate.Values, x);
            return predicate.OnMissing ? bounds.Negate() : bounds;
        }

        /// <summary>eq, contains, starts_with, ends_with, in (and, to be negated, neq, not_contains, not_in).</summary>
        private Bounds PositiveText(TextOperator op, IReadOnlyList<string> values, string x)
        {
            if (values.Any(v => !v.All(char.IsAscii)))
            {
                return new Bounds(Or(Is("STRING", x), Is("OBJECT", x)), False);
            }
            var upper = $"UPPER({x})";
            var test = op switch
            {
                TextOperator.Eq or TextOperator.Neq => Compare(upper, "=", Parameter(values[0].ToUpperInvariant())),
                TextOperator.Contains or TextOperator.NotContains => Call($"CONTAINS({upper}, {Parameter(values[0].ToUpperInvariant())})"),
                TextOperator.StartsWith => Call($"STARTSWITH({upper}, {Parameter(values[0].ToUpperInvariant())})"),
                TextOperator.EndsWith => Call($"ENDSWITH({upper}, {Parameter(values[0].ToUpperInvariant())})"),
                TextOperator.In or TextOperator.NotIn => Or([.. values.Select(v => Compare(upper, "=", Parameter(v.ToUpperInvariant())))]),
            };
            var nonAscii = Call($"REGEXMATCH({x}, {Parameter(NonAscii)})");
            var text = Is("STRING", x);
            return new Bounds(Or(Is("OBJECT", x), And(text, nonAscii), And(text, test)), And(text, nonAscii.Not(), test));
        }

        /// <summary>
        /// Case-insensitive equality with one of <paramref name="names"/>, a superset, for event names: always strings,
        /// and only ever tested inside EXISTS (never negated), so no guards are needed.
        /// </summary>
        private SqlExpr NameIs(string x, params string[] names) => names.All(n => n.All(char.IsAscii))
            ? Or([Call($"REGEXMATCH({x}, {Parameter(NonAscii)})"), .. names.Select(n => Compare($"UPPER({x})", "=", Parameter(n.ToUpperInvariant())))])
            : True;

        // --- lists ------------------------------------------------------------------------------------------

        /// <summary>
        /// The recorded status, changed by <c>subscribe</c>/<c>unsubscribe</c> events of the list (stored in
        /// <c>listChanges</c> as <c>[listId, at, eventId, "subscribe"|"unsubscribe"]</c>). Without regard to time: a change
        /// of the wanted direction may make a member (superset), and a recorded status with no change at all surely is.
        /// </summary>
        public Bounds Visit(ListCondition condition)
        {
            var id = Parameter(condition.ListId);
            var recorded = $"{root}.lists[{id}]";
            SqlExpr Change(string? direction) => Call($"EXISTS(SELECT VALUE {ListChangeAlias} FROM {ListChangeAlias} IN {root}.listChanges WHERE {ListChangeAlias}[0] = {id}"
                + (direction is null ? "" : $" AND {ListChangeAlias}[3] = {Parameter(direction)}") + ")");
            var noChange = Change(null).Not();
            SqlExpr Recorded(string status) => And(Is("STRING", recorded), Compare(recorded, "=", Parameter(status)));
            return condition.Status switch
            {
                ListStatusFilter.Subscribed => new Bounds(
                    Or(Recorded(ListStatuses.Subscribed), Change("subscribe")), And(Recorded(ListStatuses.Subscribed), noChange)),
                ListStatusFilter.Unsubscribed => new Bounds(
                    Or(Recorded(ListStatuses.Unsubscribed), Change("unsubscribe")), And(Recorded(ListStatuses.Unsubscribed), noChange)),
                ListStatusFilter.Any => new Bounds(
                    Or(Change(null), And(Is("DEFINED", recorded), Is("NULL", recorded).Not())), Is("STRING", recorded)),
            };
        }

        // --- events -----------------------------------------------------------------------------------------

        public Bounds Visit(EngagementCondition c)
        {
            if (c.Count.Holds(0))
            {
                return Bounds.Unknown;
            }
            var words = c.Event switch
            {
                EngagementEvent.Engaged => new[] { Words.Of(EngagementEvent.Open), Words.Of(EngagementEvent.Click) },
                var single => [Words.Of(single)],
            };
            var campaign = c.Campaign.Kind == CampaignScopeKind.Id ? Parameter(c.Campaign.CampaignId!) : null;
            var email = Parameter(EventKind.Email.ToWord());
            var action = Slot(Info, InfoAction);
            // An action written out (it differs from what the name implies: never, in practice) is let through.
            var info = And(Compare(Slot(Info, InfoKind), "=", email), Or(Is("STRING", action), NameIs(Slot(Info, InfoName), words)),
                campaign is null ? True : Compare(Slot(Info, InfoCampaign), "=", campaign));
            var total = And(Compare(Slot(Total, TotalKind), "=", email),
                Or([.. words.Select(w => Compare(Slot(Total, TotalAction), "=", Parameter(w)))]),
                campaign is null ? True : Compare(Slot(Total, TotalCampaign), "=", campaign));
            return SomeEvent(c.Within, info, total);
        }

        public Bounds Visit(PixelCondition c)
        {
            if (c.Count.Holds(0))
            {
                return Bounds.Unknown;
            }
            var pixel = Parameter(EventKind.Pixel.ToWord());
            var info = And(Compare(Slot(Info, InfoKind), "=", pixel), NameIs(Slot(Info, InfoName), c.Event), Where(c.Where));
            var total = c.Where.Count > 0 ? null : And(Compare(Slot(Total, TotalKind), "=", pixel), NameIs(Slot(Total, TotalName), c.Event));
            return SomeEvent(c.Within, info, total);
        }

        public Bounds Visit(ConversionCondition c)
        {
            // Zero matching conversions give a count of 0 and a sum of 0: only when that fails is a conversion needed.
            var noneQualifies = (c.Count is not null || c.Value is not null)
                && (c.Count is null || c.Count.Holds(0)) && (c.Value is null || c.Value.HoldsFor(0));
            if (noneQualifies)
            {
                return Bounds.Unknown;
            }
            SqlExpr Campaign(string attributed) => c.Campaign.Kind switch
            {
                CampaignScopeKind.Any => Is("STRING", attributed),
                CampaignScopeKind.Id => Compare(attributed, "=", Parameter(c.Campaign.CampaignId!)),
                CampaignScopeKind.None or CampaignScopeKind.Last => True,
            };
            var conversion = Parameter(EventKind.Conversion.ToWord());
            var info = And(Compare(Slot(Info, InfoKind), "=", conversion), c.Event is null ? True : NameIs(Slot(Info, InfoName), c.Event),
                Campaign(Slot(Info, InfoAttributed)), Where(c.Where));
            var total = c.Where.Count > 0
                ? null
                : And(Compare(Slot(Total, TotalKind), "=", conversion), c.Event is null ? True : NameIs(Slot(Total, TotalName), c.Event),
                    Campaign(Slot(Total, TotalAttributed)));
            return SomeEvent(c.Within, info, total);
        }

        /// <summary>Geo and device: some retained event (in the window) carries that context and satisfies every given predicate.</summary>
        public Bounds Visit(ContextCondition c)
        {
            var context = Slot(Info, c.Kind == ContextKind.Geo ? InfoGeo : InfoDevice);
            var info = Is("ARRAY", context);
            for (var k = 0; k < c.Predicates.Count; k++)
            {
                if (c.Predicates[k] is { } predicate)
                {
                    info = And(info, predicate.Accept(this, ($"{context}[{k}]", Presence.Text)).Superset);
                }
            }
            return SomeEvent(c.Within, info, null);
        }

        /// <summary>
        /// All predicates of a <c>where</c> list on the same event's properties; a path into nested values is evaluated
        /// after the read (nested values are stored in their own form, see <see cref="Documents.ContactDocumentJson"/>).
        /// </summary>
        private SqlExpr Where(IReadOnlyList<PropertyPredicate> where) =>
            And([.. where.Where(p => p.Path.IsName)
                .Select(p => p.Predicate.Accept(this, ($"{Slot(Info, InfoProperties)}[{Parameter(p.Property)}]", Presence.Any)).Superset)]);

        /// <summary>
        /// A member needs at least one matching event: a retained one (its content among the infos, and with a window,
        /// the document's newest event inside it) or, without a window, a matching compacted total. (Slots compared
        /// with = need no type guard: a comparison with a missing slot is undefined, which EXISTS counts as no.)
        /// </summary>
        private Bounds SomeEvent(Duration? within, SqlExpr info, SqlExpr? total)
        {
            var retained = Exists(Info, $"{root}.infos", info);
            if (within is { } w)
            {
                // A window (T − w, T] holds an event only if the newest event is after T − w.
                var window = asOf is { } t ? After($"{root}.newestAt", t - w.Ticks) ?? True : True;
                return new Bounds(And(window, retained), False);
            }
            return new Bounds(Or(retained, total is null ? False : Exists(Total, $"{root}.compacted", total)), False);
        }

        /// <summary>EXISTS over an array; its predicate is loosened to fit inside the EXISTS's own parentheses.</summary>
        private static SqlExpr Exists(string alias, string array, SqlExpr where) =>
            where.Loosen(MaxDepth - 1) is var fitted && fitted == True
                ? And(Is("ARRAY", array), Compare($"ARRAY_LENGTH({array})", ">", "0"))
                : Call($"EXISTS(SELECT VALUE {alias} FROM {alias} IN {array} WHERE {fitted.Print()})");

        /// <summary>
        /// Whether the stored time at <paramref name="x"/> is after <paramref name="ticks"/>, exactly (false when absent);
        /// null when <paramref name="ticks"/> is outside the 18-digit span this comparison covers. Times beyond 2^53 are
        /// stored as strings: an 18-digit one compares as a string, a 19-digit one is later, and numbers, shorter
        /// strings and negative ones are earlier.
        /// </summary>
        private SqlExpr? After(string x, long ticks)
        {
            if (ticks is < 100_000_000_000_000_000 or >= 1_000_000_000_000_000_000)
            {
                return null;
            }
            var bound = Parameter(ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var text = Is("STRING", x);
            return Or(And(text, Compare($"LENGTH({x})", "=", "18"), Compare(x, ">", bound)),
                And(text, Compare($"LENGTH({x})", "=", "19"), Call($"STARTSWITH({x}, {Parameter("-")})").Not()));
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
    }
}
