using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Model;
using Segments.Engine.Scan;

namespace Segments.Core.Audience;

/// <summary>What happens to a segment member at send time.</summary>
public readonly record struct SendDecision(SendOutcome Outcome, SuppressionReason Reason = default);

public enum SendOutcome : byte
{
    Included,
    Suppressed,
    OptedOut,

    /// <summary>The contact, or one with its address, was erased: counted as suppressed, reason <c>erased</c>.</summary>
    Erased,
}

/// <summary>
/// Send-time rules, separate from membership: a member with a suppression at or before T is suppressed
/// (counted once, under its earliest suppression; ties go to the reason first in alphabetical order);
/// otherwise, when the send targets a list, a member whose status on it at T is not <c>subscribed</c> is
/// opted out; everyone else is in the audience.
/// </summary>
public static class AudiencePolicy
{
    public static SendDecision Decide(ContactDocument contact, IEnumerable<Suppression> explicitSuppressions, string? list, in AsOf asOf) =>
        Decide(SendFacts.Of(contact, list, asOf), explicitSuppressions, list, asOf);

    public static SendDecision Decide(in SendFacts facts, IEnumerable<Suppression> explicitSuppressions, string? list, in AsOf asOf)
    {
        long? earliest = null;
        var reason = default(SuppressionReason);
        var until = asOf.Ticks;
        void Consider(long ticks, SuppressionReason r)
        {
            if (ticks <= until && (earliest is null || ticks < earliest || (ticks == earliest && r < reason)))
            {
                earliest = ticks;
                reason = r;
            }
        }
        foreach (var mark in facts.Marks)
        {
            Consider(mark.Value, mark.Key);
        }
        if (facts.OptedOutSince is { } optedOut)
        {
            Consider(optedOut, SuppressionReason.Unsubscribed);
        }
        foreach (var s in explicitSuppressions)
        {
            Consider(s.At.UtcTicks, s.Reason);
        }
        if (earliest is not null)
        {
            return new SendDecision(SendOutcome.Suppressed, reason);
        }
        return list is not null && facts.ListStatus != ListStatuses.Subscribed
            ? new SendDecision(SendOutcome.OptedOut)
            : new SendDecision(SendOutcome.Included);
    }
}

/// <summary>
/// What the send-time rules read of a member at T: its event-implied suppression marks, since when it has been opted out
/// globally, its status on the send's list (null without a list). Taken from a document or from a scan form alike.
/// </summary>
public readonly record struct SendFacts(ArraySegment<KeyValuePair<SuppressionReason, long>> Marks, long? OptedOutSince, string? ListStatus)
{
    public static SendFacts Of(ContactDocument contact, string? list, in AsOf asOf) =>
        new(contact.Suppressions, contact.OptedOutSince(null, asOf.Ticks), list is null ? null : contact.ListStatusAt(list, asOf.Ticks));

    public static SendFacts Of(ScanForm form, int contact, string? list, in AsOf asOf) =>
        new(form.SuppressionMarks(contact), form.OptedOutSince(contact, asOf.Ticks), list is null ? null : form.ListStatusAt(contact, list, asOf.Ticks));
}

/// <summary>Counts of a resolution; parts computed separately (partitions) add up with <see cref="Add"/>.</summary>
public sealed class AudienceTally
{
    /// <summary>The manifest's suppression reason of erased contacts met again.</summary>
    public const string ErasedReason = "erased";

    public long Matched { get; private set; }

    public SortedDictionary<string, long> Suppressed { get; } = new(StringComparer.Ordinal);

    public long OptedOut { get; private set; }

    public long Audience { get; private set; }

    /// <summary>Members left out because they belong to a segment the send excludes.</summary>
    public long Excluded { get; private set; }

    public void CountExcluded()
    {
        Matched++;
        Excluded++;
    }

    public void Count(SendDecision decision)
    {
        Matched++;
        switch (decision.Outcome)
        {
            case SendOutcome.Suppressed:
                var word = decision.Reason.ToWord();
                Suppressed[word] = Suppressed.GetValueOrDefault(word) + 1;
                break;
            case SendOutcome.OptedOut:
                OptedOut++;
                break;
            case SendOutcome.Erased:
                Suppressed[ErasedReason] = Suppressed.GetValueOrDefault(ErasedReason) + 1;
                break;
            default:
                Audience++;
                break;
        }
    }

    /// <summary>A tally counted elsewhere (by another process, for one partition), to be added up with others.</summary>
    public static AudienceTally Of(long matched, IReadOnlyDictionary<string, long> suppressed, long optedOut, long audience, long excluded = 0)
    {
        var tally = new AudienceTally { Matched = matched, OptedOut = optedOut, Audience = audience, Excluded = excluded };
        foreach (var (reason, n) in suppressed)
        {
            tally.Suppressed[reason] = n;
        }
        return tally;
    }

    public void Add(AudienceTally other)
    {
        Matched += other.Matched;
        OptedOut += other.OptedOut;
        Audience += other.Audience;
        Excluded += other.Excluded;
        foreach (var (reason, n) in other.Suppressed)
        {
            Suppressed[reason] = Suppressed.GetValueOrDefault(reason) + n;
        }
    }
}
