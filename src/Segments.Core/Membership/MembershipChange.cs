using Segments.Core.Ports;

namespace Segments.Core.Membership;

/// <summary>Which way a contact crossed a segment's boundary.</summary>
public enum ChangeKind : byte
{
    Entered,
    Left,
}

/// <summary>
/// A contact entering or leaving a tracked segment at an instant: the edge itself when time alone moved it, the fold
/// time when its data did. <see cref="Sequence"/> orders a tenant's changes as they were recorded (a feed's cursor).
/// </summary>
public sealed record MembershipChange(long Sequence, string Segment, string ContactId, ChangeKind Kind, DateTimeOffset At)
{
    public static string Word(ChangeKind kind) => kind == ChangeKind.Entered ? "entered" : "left";

    public static bool TryParseKind(string? word, out ChangeKind kind)
    {
        kind = word == "left" ? ChangeKind.Left : ChangeKind.Entered;
        return word is "entered" or "left";
    }
}

/// <summary>
/// One evaluation to record: whether the contact is a member of the segment as of <see cref="At"/>, its next time edge,
/// and whether it is a <see cref="Baseline"/> (tracking just started: no change for a contact never evaluated).
/// </summary>
public sealed record MembershipEvaluation(string Segment, string ContactId, bool Member, DateTimeOffset At, bool Baseline, DateTimeOffset? Next)
{
    /// <summary>
    /// For the evaluation of a write: whether the document it replaced was a member as of <see cref="At"/> (false for a
    /// new contact); null when not known (a time edge, a repeated write). It is the change's true starting point for a
    /// contact with no record, or whose membership only a baseline scan recorded (see <see cref="IMembershipStore"/>).
    /// </summary>
    public bool? Was { get; init; }

    /// <summary>
    /// An evaluation of the baseline job's scan, or of the document a write is about to replace while a baseline runs: its
    /// document was read at some point before <see cref="At"/>, perhaps before a write already recorded, so it records a
    /// contact with no record (with no change) and nothing else.
    /// </summary>
    public bool Scan { get; init; }
}

/// <summary>A contact whose membership of a segment may change by time alone at <see cref="At"/>.</summary>
public sealed record DueCheck(string Tenant, string Segment, string ContactId, DateTimeOffset At);

/// <summary>
/// What recording an evaluation did: nothing when it was <see cref="Stale"/> (earlier than the last evaluation
/// recorded), else it recorded the evaluation, with the <see cref="Change"/> it made if any.
/// </summary>
public sealed record MembershipRecording(bool Stale, MembershipChange? Change)
{
    public static readonly MembershipRecording StaleEvaluation = new(true, null);

    public static readonly MembershipRecording NoChange = new(false, null);

    public static MembershipRecording Changed(MembershipChange change) => new(false, change);
}
