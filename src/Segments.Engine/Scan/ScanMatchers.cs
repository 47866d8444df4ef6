using System.Runtime.CompilerServices;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Language;
using Segments.Engine.Model;
using static Segments.Engine.Scan.ScanSegmentSet;

namespace Segments.Engine.Scan;

/// <summary>
/// A condition bound to one <see cref="ScanForm"/> at one time T: answers for contact number c. Each kind makes the
/// document matcher's decisions (it holds that matcher and asks it about contents, totals and counts) over the form's
/// storage, so the two evaluations cannot drift apart in what they decide, only in how they walk.
/// </summary>
internal abstract class ScanMatcher
{
    public abstract bool Matches(int contact);
}

internal sealed class ConstantScan(bool answer) : ScanMatcher
{
    public static readonly ConstantScan True = new(true);

    public override bool Matches(int contact) => answer;
}

internal sealed class AllScan(ScanMatcher[] items) : ScanMatcher
{
    public override bool Matches(int contact)
    {
        foreach (var item in items)
        {
            if (!item.Matches(contact))
            {
                return false;
            }
        }
        return true;
    }
}

internal sealed class AnyScan(ScanMatcher[] items) : ScanMatcher
{
    public override bool Matches(int contact)
    {
        foreach (var item in items)
        {
            if (item.Matches(contact))
            {
                return true;
            }
        }
        return false;
    }
}

internal sealed class NotScan(ScanMatcher inner) : ScanMatcher
{
    public override bool Matches(int contact) => !inner.Matches(contact);
}

/// <summary>A profile field's predicate, decided once per distinct value of the column (T is fixed by the binding).</summary>
internal sealed class FieldScan : ScanMatcher
{
    private readonly int[] _index;
    private readonly ScalarValue[] _values;
    private readonly byte[] _verdicts;
    private readonly ScalarPredicate _predicate;
    private readonly long _ticks;
    private readonly bool _onMissing;

    private FieldScan(FieldColumn column, ScalarPredicate predicate, long ticks, bool onMissing)
    {
        _index = column.Index;
        _values = column.Values;
        _verdicts = new byte[column.Values.Length];
        _predicate = predicate;
        _ticks = ticks;
        _onMissing = onMissing;
    }

    public static ScanMatcher Of(ScanBinding binding, FieldCondition condition)
    {
        var onMissing = condition.Predicate.Holds(ScalarValue.Missing, binding.Ticks);
        return binding.Form.Field(condition.Field) is { } column
            ? new FieldScan(column, condition.Predicate, binding.Ticks, onMissing)
            : new ConstantScan(onMissing);
    }

    public override bool Matches(int contact)
    {
        var k = _index[contact];
        if (k < 0)
        {
            return _onMissing;
        }
        var verdict = _verdicts[k];
        if (verdict == 0)
        {
            _verdicts[k] = verdict = _predicate.Holds(_values[k], _ticks) ? ContentVerdicts.Yes : ContentVerdicts.No;
        }
        return verdict == ContentVerdicts.Yes;
    }
}

/// <summary>The status on a list at T: the last change for it at or before T, else the recorded status.</summary>
internal sealed class ListScan(ScanBinding binding, ListCondition condition) : ScanMatcher
{
    private readonly ScanForm _form = binding.Form;
    private readonly int _list = binding.Form.ListIndex(condition.ListId);
    private readonly long _ticks = binding.Ticks;

    public override bool Matches(int contact) => ListMatcher.Holds(condition.Status, _form.StatusAt(contact, _list, _ticks));
}

/// <summary>Engagement, pixel and conversion counts and sums (<see cref="EventCountMatcher"/>'s walk, on the arena).</summary>
internal sealed class EventCountScan : ScanMatcher
{
    private readonly ScanForm _form;
    private readonly AsOf _asOf;
    private readonly EventCountMatcher _matcher;
    private readonly CampaignScope _campaign;
    private readonly ContentVerdicts _verdicts;
    private readonly long _lower;
    private readonly bool _countsCompacted;

    private readonly int _stream;

    public EventCountScan(ScanBinding binding, EventCountMatcher matcher, EventKind kind, CampaignScope campaign)
    {
        _stream = ScanStream.Of(kind);
        _form = binding.Form;
        _asOf = binding.AsOf;
        _matcher = matcher;
        _campaign = campaign;
        _verdicts = _form.Verdicts(matcher, info => matcher.ContentMatches(info) ? ContentVerdicts.Yes : ContentVerdicts.No);
        _lower = matcher.Within is { } w ? _asOf.Ticks - w.Ticks : long.MinValue;
        _countsCompacted = matcher.CountsCompacted && matcher.Within is null;
    }

    public override bool Matches(int contact)
    {
        string? state = null;
        if (_campaign.Kind != CampaignScopeKind.None)
        {
            // As the engagement matcher prepares: a campaign id, or the last sent campaign, which must exist.
            state = _campaign.Kind switch
            {
                CampaignScopeKind.Id => _campaign.CampaignId,
                CampaignScopeKind.Last => LastSentCampaign(contact),
                CampaignScopeKind.None or CampaignScopeKind.Any => null,
            };
            if (state is null)
            {
                return false;
            }
        }
        long n = 0;
        double sum = 0;
        if ((_form.Signatures[contact] & _matcher.Signature) == 0)
        {
            return _matcher.Verdict(n, sum);
        }
        if (_countsCompacted)
        {
            for (var k = _form.CompactedStart[contact]; k < _form.CompactedStart[contact + 1]; k++)
            {
                var total = _form.Compacted[k];
                if (total.NewestAt <= _asOf.Ticks && _matcher.CompactedMatches(total, state))
                {
                    n += total.Count;
                    sum += total.ValueSum;
                }
            }
        }
        var stopAfter = _matcher.StopAfter;
        var events = new EventCursor(_form, contact, _stream);
        while (n < stopAfter && events.Next())
        {
            if (events.At > _asOf.Ticks)
            {
                continue;
            }
            if (events.At <= _lower)
            {
                break;
            }
            if (_verdicts.Get(events.Content) == ContentVerdicts.Yes
                && (state is null || _matcher.StateMatches(_form.Contents[events.Content], state)))
            {
                n++;
                sum += _form.Contents[events.Content].Value ?? 0;
            }
        }
        return _matcher.Verdict(n, sum);
    }

    /// <summary>As <see cref="EngagementMatcher.LastSentCampaign"/>: the most recent <c>sent</c> at or before T, ties to the larger id.</summary>
    private string? LastSentCampaign(int contact)
    {
        string? best = null;
        var bestAt = long.MinValue;
        var events = new EventCursor(_form, contact, ScanStream.Of(EventKind.Email));
        while (events.Next())
        {
            if (events.At > _asOf.Ticks)
            {
                continue;
            }
            if (best is not null && events.At < bestAt)
            {
                break;
            }
            if (_form.Contents[events.Content] is { Kind: EventKind.Email, Action: EmailAction.Sent, CampaignId: { } id }
                && (best is null || string.CompareOrdinal(id, best) > 0))
            {
                best = id;
                bestAt = events.At;
            }
        }
        var start = _form.CompactedStart[contact];
        return best ?? EngagementMatcher.LastSentCompacted(_form.Compacted.AsSpan(start, _form.CompactedStart[contact + 1] - start), _asOf);
    }
}

/// <summary><c>seen: last</c>: the most recent candidate in the window decides (<see cref="LastEventMatcher"/>).</summary>
internal sealed class LastEventScan(ScanBinding binding, LastEventMatcher matcher, EventKind kind) : ScanMatcher
{
    private readonly ScanForm _form = binding.Form;
    private readonly long _ticks = binding.Ticks;
    private readonly long _lower = matcher.Within is { } w ? binding.Ticks - w.Ticks : long.MinValue;
    private readonly ContentVerdicts _verdicts = binding.Form.Verdicts(matcher, matcher.Verdict);

    public override bool Matches(int contact)
    {
        if ((_form.Signatures[contact] & matcher.Needs) == 0)
        {
            return false;
        }
        var events = new EventCursor(_form, contact, ScanStream.Of(kind));
        while (events.Next())
        {
            if (events.At > _ticks)
            {
                continue;
            }
            if (events.At <= _lower)
            {
                return false;
            }
            var verdict = _verdicts.Get(events.Content);
            if (verdict != LastEventMatcher.NotCandidate)
            {
                return verdict == LastEventMatcher.Holds;
            }
        }
        for (var k = _form.CompactedStart[contact]; k < _form.CompactedStart[contact + 1]; k++)
        {
            if (_form.Compacted[k].NewestAt <= _ticks && matcher.CompactedDecides(_form.Compacted[k]))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>Geo and device: the most recent event carrying the context, or any one, must satisfy the predicates.</summary>
internal sealed class ContextScan(ScanBinding binding, ContextMatcher matcher) : ScanMatcher
{
    private readonly ScanForm _form = binding.Form;
    private readonly long _ticks = binding.Ticks;
    private readonly long _lower = matcher.Condition.Within is { } w ? binding.Ticks - w.Ticks : long.MinValue;
    private readonly ulong _needs = matcher.Condition.Kind == ContextKind.Device ? EventSignature.Device : EventSignature.Geo;
    private readonly bool _seenAny = matcher.Condition.SeenAny;
    private readonly ContentVerdicts _verdicts = binding.Form.Verdicts(matcher, matcher.Verdict);

    public override bool Matches(int contact)
    {
        if ((_form.Signatures[contact] & _needs) == 0)
        {
            return false;
        }
        var events = new EventCursor(_form, contact, ScanStream.Context);
        while (events.Next())
        {
            if (events.At > _ticks)
            {
                continue;
            }
            if (events.At <= _lower)
            {
                break;
            }
            var verdict = _verdicts.Get(events.Content);
            if (verdict == ContextMatcher.Holds)
            {
                return true;
            }
            if (verdict == ContextMatcher.Fails && !_seenAny)
            {
                return false;
            }
        }
        return false;
    }
}

/// <summary>A split or holdout: the contact's bucket for the seed, computed once per form and seed.</summary>
internal sealed class BucketScan(ScanBinding binding, BucketCondition condition) : ScanMatcher
{
    private readonly byte[] _buckets = binding.Form.Buckets(condition.Seed);

    public override bool Matches(int contact) => _buckets[contact] >= condition.From && _buckets[contact] <= condition.To;
}

/// <summary>
/// A condition's verdict per content of one form (by content index), computed when first met (0: not yet). Safe without
/// locks: a verdict is idempotent, so two threads filling one slot write the same byte.
/// </summary>
internal sealed class ContentVerdicts(EventInfo[] contents, Func<EventInfo, byte> compute)
{
    public const byte Yes = 1, No = 2;

    private readonly byte[] _verdicts = new byte[contents.Length];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte Get(int content)
    {
        var verdict = _verdicts[content];
        return verdict != 0 ? verdict : _verdicts[content] = compute(contents[content]);
    }
}

/// <summary>Walks one stream of a contact's events in the arena, newest first, decoding time deltas and content indices.</summary>
internal ref struct EventCursor
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly long _unit;
    private int _position;

    public EventCursor(ScanForm form, int contact, int stream)
    {
        var slot = (contact * ScanStream.Count) + stream;
        var start = form.EventStart[slot];
        _bytes = form.Events.AsSpan(start, form.EventStart[slot + 1] - start);
        _unit = form.Unit;
        At = form.Top;
    }

    /// <summary>The current event's time (UTC ticks).</summary>
    public long At { get; private set; }

    /// <summary>The current event's index into <see cref="ScanForm.Contents"/>.</summary>
    public int Content { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Next()
    {
        if (_position >= _bytes.Length)
        {
            return false;
        }
        At -= (long)Varint() * _unit;
        Content = (int)Varint();
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Varint()
    {
        ulong b = _bytes[_position++];
        if (b < 0x80)
        {
            return b;
        }
        var value = b & 0x7F;
        for (var shift = 7; ; shift += 7)
        {
            b = _bytes[_position++];
            value |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
