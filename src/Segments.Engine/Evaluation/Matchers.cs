using Segments.Engine.Documents;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Engine.Evaluation;

/// <summary>A compiled condition: answers for one folded contact at one time.</summary>
internal abstract class Matcher
{
    public abstract bool Matches(ContactDocument contact, in AsOf asOf);
}

internal sealed class AllMatcher(Matcher[] items) : Matcher
{
    public override bool Matches(ContactDocument contact, in AsOf asOf)
    {
        foreach (var item in items)
        {
            if (!item.Matches(contact, asOf))
            {
                return false;
            }
        }
        return true;
    }
}

internal sealed class AnyMatcher(Matcher[] items) : Matcher
{
    public override bool Matches(ContactDocument contact, in AsOf asOf)
    {
        foreach (var item in items)
        {
            if (item.Matches(contact, asOf))
            {
                return true;
            }
        }
        return false;
    }
}

internal sealed class NotMatcher(Matcher inner) : Matcher
{
    public override bool Matches(ContactDocument contact, in AsOf asOf) => !inner.Matches(contact, asOf);
}

internal sealed class FieldMatcher(string field, ScalarPredicate predicate) : Matcher
{
    public override bool Matches(ContactDocument contact, in AsOf asOf) => predicate.Holds(contact.GetField(field), asOf.Ticks);
}

internal sealed class ListMatcher(string listId, ListStatusFilter status) : Matcher
{
    public override bool Matches(ContactDocument contact, in AsOf asOf) => Holds(status, contact.ListStatusAt(listId, asOf.Ticks));

    /// <summary>Whether a status on the list at T (null: no record) is what the condition asks for.</summary>
    public static bool Holds(ListStatusFilter status, string? current) => status switch
    {
        ListStatusFilter.Subscribed => current == ListStatuses.Subscribed,
        ListStatusFilter.Unsubscribed => current == ListStatuses.Unsubscribed,
        ListStatusFilter.Any => current is not null,
    };
}

/// <summary>Another segment's answer for the same contact at the same T.</summary>
internal sealed class SegmentMatcher(string segmentId) : Matcher
{
    public string SegmentId => segmentId;

    public Matcher? Target { get; set; }

    public override bool Matches(ContactDocument contact, in AsOf asOf) => Target!.Matches(contact, asOf);
}

/// <summary>
/// The shared walk of event conditions: events in the window (<c>T − within &lt; at ≤ T</c>, or all up to T),
/// newest first, stopping as soon as the count can no longer change the answer.
/// </summary>
internal abstract class EventCountMatcher : Matcher
{
    private const byte Yes = 1, No = 2;
    private readonly Duration? within;
    private readonly EventCount? count;
    private readonly NumberPredicate? valueTest;
    private readonly bool countsCompacted;
    private readonly VerdictCache _verdicts;

    private readonly ulong _needs;

    /// <param name="needs">Signature bits of which a matching event has at least one (see <see cref="EventSignature"/>).</param>
    protected EventCountMatcher(Duration? within, EventCount? count, NumberPredicate? valueTest, bool countsCompacted, ulong needs)
    {
        _needs = needs;
        this.within = within;
        this.count = count;
        this.valueTest = valueTest;
        this.countsCompacted = countsCompacted;
        _stopAt = valueTest is not null ? long.MaxValue : count is null ? 1 : StopAt(count.Predicate);
        _verdicts = new VerdictCache(info => MatchesContent(info) ? Yes : No);
    }

    // Without count or value, one matching event is enough; with a value test every event is summed.
    private readonly long _stopAt;

    // What the scan form's evaluation (Segments.Core.Scan) needs to walk its own storage with these same decisions.
    internal Duration? Within => within;

    internal ulong Signature => _needs;

    internal bool CountsCompacted => countsCompacted;

    internal long StopAfter => _stopAt;

    internal bool ContentMatches(EventInfo info) => MatchesContent(info);

    internal bool StateMatches(EventInfo info, string? state) => MatchesState(info, state);

    internal bool CompactedMatches(CompactedTotal total, string? state) => MatchesCompacted(total, state);

    internal bool Verdict(long n, double sum) => Decide(n, sum);

    public override bool Matches(ContactDocument contact, in AsOf asOf)
    {
        if (!Prepare(contact, asOf, out var state))
        {
            return false;
        }
        long n = 0;
        double sum = 0;
        if ((contact.Signature & _needs) == 0)
        {
            return Decide(n, sum); // No event of the kind and name asked for: nothing to walk.
        }
        // Compacted totals are exact for conditions without a window or property predicates, as long as every
        // compacted event of the total lies at or before T.
        if (countsCompacted && within is null)
        {
            foreach (var total in contact.Compacted)
            {
                if (total.NewestAt <= asOf.Ticks && MatchesCompacted(total, state))
                {
                    n += total.Count;
                    sum += total.ValueSum;
                }
            }
        }
        var events = contact.Events;
        var lower = within is { } w ? asOf.Ticks - w.Ticks : long.MinValue;
        for (var i = events.Length - 1; i >= 0 && n < _stopAt; i--)
        {
            var at = events[i].At;
            if (at > asOf.Ticks)
            {
                continue;
            }
            if (at <= lower)
            {
                break;
            }
            var info = events[i].Info;
            if (_verdicts.Get(info) == Yes && MatchesState(info, state))
            {
                n++;
                sum += info.Value ?? 0;
            }
        }
        return Decide(n, sum);
    }

    /// <summary>
    /// What <see cref="Matches"/> decides on, walked whole (no early stop, which never changes the verdict): the events
    /// counted (newest first, at most <paramref name="listed"/> of them named), the compacted totals counted and the sum.
    /// </summary>
    public EventEvidence Explain(ContactDocument contact, in AsOf asOf, int listed)
    {
        var counted = new List<CountedEvent>();
        long n = 0, compacted = 0;
        double sum = 0;
        var lower = within is { } w ? asOf.Ticks - w.Ticks : long.MinValue;
        DateTimeOffset? from = lower == long.MinValue ? null : new DateTimeOffset(lower, TimeSpan.Zero);
        if (!Prepare(contact, asOf, out var state))
        {
            return new EventEvidence(false, from, 0, 0, 0, counted);
        }
        if (countsCompacted && within is null)
        {
            foreach (var total in contact.Compacted)
            {
                if (total.NewestAt <= asOf.Ticks && MatchesCompacted(total, state))
                {
                    compacted += total.Count;
                    sum += total.ValueSum;
                }
            }
        }
        var events = contact.Events;
        for (var i = events.Length - 1; i >= 0 && events[i].At > lower; i--)
        {
            var e = events[i];
            if (e.At <= asOf.Ticks && MatchesContent(e.Info) && MatchesState(e.Info, state))
            {
                n++;
                sum += e.Info.Value ?? 0;
                if (counted.Count < listed)
                {
                    counted.Add(new CountedEvent(e.Id, new DateTimeOffset(e.At, TimeSpan.Zero), e.Info.Value));
                }
            }
        }
        return new EventEvidence(Decide(n + compacted, sum), from, n, compacted, valueTest is null ? null : sum, counted);
    }

    private bool Decide(long n, double sum) =>
        count is null && valueTest is null ? n >= 1 : (count is null || count.Holds(n)) && (valueTest is null || valueTest.HoldsFor(sum));

    /// <summary>Per-contact set-up (the <c>last</c> campaign); false when the condition cannot hold.</summary>
    protected virtual bool Prepare(ContactDocument contact, in AsOf asOf, out string? state)
    {
        state = null;
        return true;
    }

    /// <summary>The part of the event predicate that depends on the event's content alone (cached per content).</summary>
    protected abstract bool MatchesContent(EventInfo info);

    /// <summary>The part that depends on per-contact state (the <c>last</c> campaign).</summary>
    protected virtual bool MatchesState(EventInfo info, string? state) => true;

    protected virtual bool MatchesCompacted(CompactedTotal total, string? state) => false;

    /// <summary>The count past which the answer can no longer change (counts are whole numbers).</summary>
    private static long StopAt(NumberPredicate count) => count.Operator switch
    {
        NumberOperator.Gte or NumberOperator.Lt => (long)Math.Ceiling(count.Values[0]),
        NumberOperator.Eq or NumberOperator.Neq or NumberOperator.Gt or NumberOperator.Lte or NumberOperator.Between
            or NumberOperator.In or NumberOperator.NotIn => (long)Math.Floor(count.Values.Max()) + 1,
    };

    protected static bool NameIs(string name, string wanted) =>
        ReferenceEquals(name, wanted) || string.Equals(name, wanted, StringComparison.OrdinalIgnoreCase);

    internal static bool AllHold(IReadOnlyList<PropertyPredicate> where, PropertyBag properties)
    {
        foreach (var p in where)
        {
            if (!p.HoldsOn(properties))
            {
                return false;
            }
        }
        return true;
    }
}

internal sealed class EngagementMatcher(EngagementCondition c)
    : EventCountMatcher(c.Within, c.Count, null, true, Needs(c.Event))
{
    internal static ulong Needs(EngagementEvent e) => e == EngagementEvent.Engaged
        ? EventSignature.Name(EventKind.Email, Words.Of(EngagementEvent.Open)) | EventSignature.Name(EventKind.Email, Words.Of(EngagementEvent.Click))
        : EventSignature.Name(EventKind.Email, Words.Of(e));

    protected override bool Prepare(ContactDocument contact, in AsOf asOf, out string? state)
    {
        state = c.Campaign.Kind switch
        {
            CampaignScopeKind.Id => c.Campaign.CampaignId,
            CampaignScopeKind.Last => LastSentCampaign(contact, asOf),
            CampaignScopeKind.None or CampaignScopeKind.Any => null,
        };
        return c.Campaign.Kind == CampaignScopeKind.None || state is not null;
    }

    // A bot's or link scanner's open or click is no engagement (nor is any email event a bot made); a machine open
    // (a privacy proxy's or scanner's fetch) counts only when the condition asks for it.
    protected override bool MatchesContent(EventInfo info) =>
        info.Kind == EventKind.Email && !info.Bot && IsCounted(info.Action) && (c.MachineOpens || !info.IsMachineOpen)
        && (c.Campaign.Kind != CampaignScopeKind.Id || info.CampaignId == c.Campaign.CampaignId);

    protected override bool MatchesState(EventInfo info, string? campaign) => campaign is null || info.CampaignId == campaign;

    protected override bool MatchesCompacted(CompactedTotal total, string? campaign) =>
        total.Kind == EventKind.Email && IsCounted(total.Action) && (c.MachineOpens || !total.Machine)
        && (campaign is null || total.CampaignId == campaign);

    private bool IsCounted(EmailAction action) => c.Event switch
    {
        EngagementEvent.Engaged => action is EmailAction.Open or EmailAction.Click,
        EngagementEvent.Sent => action == EmailAction.Sent,
        EngagementEvent.Delivered => action == EmailAction.Delivered,
        EngagementEvent.Open => action == EmailAction.Open,
        EngagementEvent.Click => action == EmailAction.Click,
        EngagementEvent.Bounce => action == EmailAction.Bounce,
        EngagementEvent.Unsubscribe => action == EmailAction.Unsubscribe,
        EngagementEvent.Complaint => action == EmailAction.Complaint,
        EngagementEvent.Subscribe => action == EmailAction.Subscribe,
    };

    /// <summary>The campaign of the most recent <c>sent</c> at or before T; ties go to the larger campaign id.</summary>
    internal static string? LastSentCampaign(ContactDocument contact, in AsOf asOf)
    {
        var events = contact.Events;
        string? best = null;
        long bestAt = long.MinValue;
        for (var i = events.Length - 1; i >= 0; i--)
        {
            var e = events[i];
            if (e.At > asOf.Ticks)
            {
                continue;
            }
            if (best is not null && e.At < bestAt)
            {
                break;
            }
            if (e.Info is { Kind: EventKind.Email, Action: EmailAction.Sent, CampaignId: { } id }
                && (best is null || string.CompareOrdinal(id, best) > 0))
            {
                best = id;
                bestAt = e.At;
            }
        }
        return best ?? LastSentCompacted(contact.Compacted, asOf);
    }

    /// <summary>Of the compacted <c>sent</c> totals at or before T, the campaign of the newest; ties go to the larger campaign id.</summary>
    internal static string? LastSentCompacted(ReadOnlySpan<CompactedTotal> compacted, in AsOf asOf)
    {
        string? best = null;
        long bestAt = long.MinValue;
        foreach (var t in compacted)
        {
            if (t is { Kind: EventKind.Email, Action: EmailAction.Sent, CampaignId: { } id } && t.NewestAt <= asOf.Ticks
                && (t.NewestAt > bestAt || (t.NewestAt == bestAt && string.CompareOrdinal(id, best) > 0)))
            {
                best = id;
                bestAt = t.NewestAt;
            }
        }
        return best;
    }
}

internal sealed class PixelMatcher(PixelCondition c) : EventCountMatcher(c.Within, c.Count, null, c.Where.Count == 0, Needs(c))
{
    internal static ulong Needs(PixelCondition c) => EventSignature.Name(EventKind.Pixel, c.Event);

    internal static bool IsCandidate(PixelCondition c, EventInfo info) => info.Kind == EventKind.Pixel && NameIs(info.Name, c.Event);

    protected override bool MatchesContent(EventInfo info) => IsCandidate(c, info) && AllHold(c.Where, info.Properties);

    protected override bool MatchesCompacted(CompactedTotal total, string? state) =>
        total.Kind == EventKind.Pixel && NameIs(total.Name, c.Event);
}

internal sealed class ConversionMatcher(ConversionCondition c) : EventCountMatcher(c.Within, c.Count, c.Value, c.Where.Count == 0, Needs(c))
{
    internal static ulong Needs(ConversionCondition c) =>
        c.Event is null ? EventSignature.Kind(EventKind.Conversion) : EventSignature.Name(EventKind.Conversion, c.Event);

    internal static bool IsCandidate(ConversionCondition c, EventInfo info) =>
        info.Kind == EventKind.Conversion && (c.Event is null || NameIs(info.Name, c.Event));

    protected override bool MatchesContent(EventInfo info) => IsCandidate(c, info) && InCampaign(c, info.AttributedCampaign)
        && AllHold(c.Where, info.Properties);

    protected override bool MatchesCompacted(CompactedTotal total, string? state) =>
        total.Kind == EventKind.Conversion && (c.Event is null || NameIs(total.Name, c.Event)) && InCampaign(c, total.AttributedCampaign);

    internal static bool InCampaign(ConversionCondition c, string? attributed) => c.Campaign.Kind switch
    {
        CampaignScopeKind.None => true,
        CampaignScopeKind.Any => attributed is not null,
        CampaignScopeKind.Id or CampaignScopeKind.Last => attributed == c.Campaign.CampaignId,
    };
}

/// <summary>
/// Geo and device: among events carrying that context (within the window), the most recent one (ties to the
/// larger id, last in document order) or any one must satisfy every given predicate.
/// </summary>
internal sealed class ContextMatcher : Matcher
{
    internal const byte NoContext = 1, Holds = 2, Fails = 3;
    private readonly ContextCondition c;
    private readonly bool _device;
    private readonly VerdictCache _verdicts;

    public ContextMatcher(ContextCondition condition)
    {
        c = condition;
        _device = condition.Kind == ContextKind.Device;
        _verdicts = new VerdictCache(info => info.Context(_device) is not { } context ? NoContext : AllHold(context) ? Holds : Fails);
    }

    public override bool Matches(ContactDocument contact, in AsOf asOf) => Decide(contact, asOf).Result;

    internal ContextCondition Condition => c;

    /// <summary>This content's verdict: <see cref="NoContext"/>, <see cref="Holds"/> or <see cref="Fails"/>.</summary>
    internal byte Verdict(EventInfo info) => _verdicts.Get(info);

    /// <summary>
    /// The verdict and the event that decided it: the one whose context holds, or (<c>seen: last</c>) the most recent one
    /// carrying the context, which does not hold; −1 when no event in the window carries the context or, with
    /// <c>seen: any</c>, none holds.
    /// </summary>
    public (bool Result, int Event) Decide(ContactDocument contact, in AsOf asOf)
    {
        if ((contact.Signature & (_device ? EventSignature.Device : EventSignature.Geo)) == 0)
        {
            return (false, -1); // No event carries this context.
        }
        var events = contact.Events;
        var lower = c.Within is { } w ? asOf.Ticks - w.Ticks : long.MinValue;
        for (var i = events.Length - 1; i >= 0; i--)
        {
            var at = events[i].At;
            if (at > asOf.Ticks)
            {
                continue;
            }
            if (at <= lower)
            {
                break;
            }
            var verdict = _verdicts.Get(events[i].Info);
            if (verdict == NoContext)
            {
                continue;
            }
            if (verdict == Holds)
            {
                return (true, i);
            }
            if (!c.SeenAny)
            {
                return (false, i);
            }
        }
        return (false, -1);
    }

    private bool AllHold(TextBag context)
    {
        for (var k = 0; k < 3; k++)
        {
            var value = context.Get(k) is { } text ? new ScalarValue(ValueKind.Text, text, 0, null) : ScalarValue.Missing;
            if (c.Predicates[k] is { } predicate && !predicate.Holds(value, 0))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>
/// <c>"seen": "last"</c> on a pixel or conversion condition: among the candidate events (kind and name) at or before T
/// and inside the window, the most recent one (ties to the larger id, last in document order) must satisfy the rest
/// (<c>where</c>, and a conversion's campaign). With no retained candidate, a compacted total of candidates (no window,
/// nothing else to test) still counts: the horizon's usual limit (see <see cref="ContactFolder"/>).
/// </summary>
internal sealed class LastEventMatcher : Matcher
{
    internal const byte NotCandidate = 1, Holds = 2, Fails = 3;
    private readonly Duration? _within;
    private readonly ulong _needs;
    private readonly bool _plainCandidates;
    private readonly Func<CompactedTotal, bool> _compactedCandidate;
    private readonly VerdictCache _verdicts;

    private LastEventMatcher(
        Duration? within, ulong needs, bool plainCandidates, Func<EventInfo, bool> candidate, Func<EventInfo, bool> holds,
        Func<CompactedTotal, bool> compactedCandidate)
    {
        _within = within;
        _needs = needs;
        _plainCandidates = plainCandidates;
        _compactedCandidate = compactedCandidate;
        _verdicts = new VerdictCache(info => !candidate(info) ? NotCandidate : holds(info) ? Holds : Fails);
    }

    public static LastEventMatcher Of(PixelCondition c) => new(
        c.Within, PixelMatcher.Needs(c), c.Where.Count == 0, info => PixelMatcher.IsCandidate(c, info),
        info => EventCountMatcher.AllHold(c.Where, info.Properties),
        total => total.Kind == EventKind.Pixel && string.Equals(total.Name, c.Event, StringComparison.OrdinalIgnoreCase));

    public static LastEventMatcher Of(ConversionCondition c) => new(
        c.Within, ConversionMatcher.Needs(c), c.Where.Count == 0 && c.Campaign.Kind == CampaignScopeKind.None,
        info => ConversionMatcher.IsCandidate(c, info),
        info => ConversionMatcher.InCampaign(c, info.AttributedCampaign) && EventCountMatcher.AllHold(c.Where, info.Properties),
        total => total.Kind == EventKind.Conversion && (c.Event is null || string.Equals(total.Name, c.Event, StringComparison.OrdinalIgnoreCase)));

    public override bool Matches(ContactDocument contact, in AsOf asOf) => Decide(contact, asOf).Result;

    // What the scan form's evaluation (Segments.Core.Scan) needs to walk its own storage with these same decisions.
    internal Duration? Within => _within;

    internal ulong Needs => _needs;

    /// <summary>Whether, with no retained candidate and no window, a compacted total of candidates decides (true).</summary>
    internal bool CompactedDecides(CompactedTotal total) => _within is null && _plainCandidates && _compactedCandidate(total);

    /// <summary>This content's verdict: <see cref="NotCandidate"/>, <see cref="Holds"/> or <see cref="Fails"/>.</summary>
    internal byte Verdict(EventInfo info) => _verdicts.Get(info);

    /// <summary>The answer, and the index of the retained event that decided it (−1: none, or a compacted total).</summary>
    public (bool Result, int Index) Decide(ContactDocument contact, in AsOf asOf)
    {
        if ((contact.Signature & _needs) == 0)
        {
            return (false, -1);
        }
        var events = contact.Events;
        var lower = _within is { } w ? asOf.Ticks - w.Ticks : long.MinValue;
        for (var i = events.Length - 1; i >= 0; i--)
        {
            var at = events[i].At;
            if (at > asOf.Ticks)
            {
                continue;
            }
            if (at <= lower)
            {
                return (false, -1);
            }
            var verdict = _verdicts.Get(events[i].Info);
            if (verdict != NotCandidate)
            {
                return (verdict == Holds, i);
            }
        }
        if (_within is null && _plainCandidates)
        {
            foreach (var total in contact.Compacted)
            {
                if (total.NewestAt <= asOf.Ticks && _compactedCandidate(total))
                {
                    return (true, -1);
                }
            }
        }
        return (false, -1);
    }

    /// <summary>The evidence of an explanation: the one event tested (none when there is no candidate).</summary>
    public EventEvidence Explain(ContactDocument contact, in AsOf asOf)
    {
        var (result, index) = Decide(contact, asOf);
        var from = _within is { } w ? new DateTimeOffset(asOf.Ticks - w.Ticks, TimeSpan.Zero) : (DateTimeOffset?)null;
        IReadOnlyList<CountedEvent> tested = index < 0
            ? []
            : [new CountedEvent(contact.Events[index].Id, new DateTimeOffset(contact.Events[index].At, TimeSpan.Zero), contact.Events[index].Info.Value)];
        return new EventEvidence(result, from, tested.Count, 0, null, tested);
    }
}

/// <summary><c>everyone</c>.</summary>
internal sealed class EveryoneMatcher : Matcher
{
    public override bool Matches(ContactDocument contact, in AsOf asOf) => true;
}

/// <summary>A split or holdout: the contact's bucket for the seed, from its id alone.</summary>
internal sealed class BucketMatcher(BucketCondition c) : Matcher
{
    public override bool Matches(ContactDocument contact, in AsOf asOf) => c.Holds(contact.Id);
}
