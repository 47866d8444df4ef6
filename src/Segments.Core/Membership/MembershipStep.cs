using Segments.Core.Ports;

namespace Segments.Core.Membership;

/// <summary>
/// A contact's recorded membership of a segment: whether a member, the instant of the evaluation that recorded it (null:
/// undated, a baseline scan's or a record from before evaluations were dated), and whether it is
/// <see cref="Provisional"/> (recorded with no change and without knowing the contact's membership before: by a
/// baseline, until a write's evaluation that knows it settles the record).
/// </summary>
public readonly record struct RecordedMembership(bool Member, long? EvaluatedAt, bool Provisional);

/// <summary>
/// What recording an evaluation writes, the one rule every membership store applies (the stores differ only in how they
/// read and write atomically). <see cref="Prior"/> is the membership the change starts from (null: not known, so no
/// change); the record becomes <see cref="Member"/>, evaluated at <see cref="EvaluatedAt"/>, provisional or not.
/// </summary>
public sealed record MembershipStep(bool Member, bool? Prior, long? EvaluatedAt, bool Provisional)
{
    /// <summary>The change to record, if any; a store that finds it recorded already (a replay) keeps <see cref="Prior"/>.</summary>
    public ChangeKind? Change => Prior is { } prior && prior != Member ? Member ? ChangeKind.Entered : ChangeKind.Left : null;

    /// <summary>
    /// The step of <paramref name="e"/> over the contact's record (null: none); null when it records nothing: stale (older
    /// than the record's evaluation) or a baseline scan over a record (see <see cref="IMembershipStore.RecordAsync(string, MembershipEvaluation, CancellationToken)"/>).
    /// </summary>
    public static MembershipStep? Of(RecordedMembership? recorded, MembershipEvaluation e)
    {
        if (e.Scan)
        {
            // The scan read its document at some point before e.At, so it neither dates nor overrides what a write recorded.
            return recorded is null ? new MembershipStep(e.Member, null, null, Provisional: true) : null;
        }
        if (recorded?.EvaluatedAt is { } evaluated && e.At.UtcTicks < evaluated)
        {
            return null;
        }
        // A settled record is the contact's history so far; a provisional one may have been read from this very write's
        // document, so the write's own prior goes first. With neither, a contact is new to tracking: a member before
        // only while the baseline runs (no change), else not.
        var prior = recorded is { Provisional: false } settled ? settled.Member : e.Was ?? recorded?.Member ?? (e.Baseline ? null : false);
        var provisional = e.Was is null && (prior is null || (recorded is { Provisional: true } && prior == e.Member));
        return new MembershipStep(e.Member, prior, e.At.UtcTicks, provisional);
    }

    /// <summary>The membership to record: the evaluation's, unless its change was due and found recorded already (a replay).</summary>
    public bool Recorded(bool changeRecorded) => Change is null || changeRecorded ? Member : Prior!.Value;
}
