namespace Segments.Core.Membership;

/// <summary>A drip (enrols contacts entering its segment) or a trigger (fires on each change of kind <see cref="On"/>).</summary>
public sealed record Consumer(ConsumerKind Kind, string Id, string Segment, ChangeKind On);

public enum ConsumerKind : byte
{
    Drip,
    Trigger,
}

/// <summary>What a consumer did with one change: a drip's enrolment or a trigger's firing.</summary>
public sealed record ConsumerRecord(long Change, string ContactId, ChangeKind Kind, DateTimeOffset At);
