using System.Text.Json;
using System.Text.Json.Serialization;

namespace Segments.Core.Broadcasts;

/// <summary>Where a broadcast stands. Completed, failed and canceled are final.</summary>
public enum BroadcastStatus
{
    Scheduled,
    Running,
    Completed,
    Failed,
    Canceled,
}

/// <summary>
/// A broadcast as the app keeps it, the source of truth for what was asked and where it stands: persisted before the
/// request is answered, so a broadcast survives restarts whatever the orchestration backend keeps. What was asked:
/// the <see cref="Segment"/>, the <see cref="List"/> whose opt-outs apply, when to send (<see cref="SendAt"/>, null: at
/// once) and the instant to evaluate (<see cref="AsOf"/>, null: the moment resolution starts). Once resolution starts,
/// the instant it evaluates and the segment's frozen definitions (<see cref="Frozen"/>, opaque to the store) are
/// recorded, so a resolution interrupted by a restart resumes with exactly those; <see cref="Late"/> says it started
/// more than a minute after its send time because the service was down then.
/// </summary>
public sealed record Broadcast(string Id, string Segment, string? List, DateTimeOffset? SendAt, DateTimeOffset? AsOf, DateTimeOffset CreatedAt)
{
    /// <summary>How long after its send time a resolution may start before it counts as late.</summary>
    public static readonly TimeSpan LateAfter = TimeSpan.FromMinutes(1);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public BroadcastStatus Status { get; init; } = BroadcastStatus.Scheduled;

    /// <summary>Segments whose members are left out of the audience (counted as excluded); none when null.</summary>
    public IReadOnlyList<string>? Exclude { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? ResolvedAsOf { get; init; }

    public string? Frozen { get; init; }

    public bool Late { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? Error { get; init; }

    [JsonIgnore]
    public bool IsFinished => Status is BroadcastStatus.Completed or BroadcastStatus.Failed or BroadcastStatus.Canceled;

    /// <summary>Resolution starts at <paramref name="now"/>, evaluating as of <paramref name="asOf"/> the <paramref name="frozen"/> definitions.</summary>
    public Broadcast Started(DateTimeOffset now, DateTimeOffset asOf, string frozen) => this with
    {
        Status = BroadcastStatus.Running,
        StartedAt = now,
        ResolvedAsOf = asOf,
        Frozen = frozen,
        Late = SendAt is { } sendAt && CreatedAt < sendAt && now - sendAt > LateAfter,
    };

    public Broadcast Finished(BroadcastStatus status, DateTimeOffset now, string? error = null) =>
        this with { Status = status, FinishedAt = now, Error = error };

    /// <summary>Canceled now: a scheduled one never resolves, a running one stops between partitions and leaves no audience.</summary>
    public Broadcast Canceled(DateTimeOffset now) => Finished(BroadcastStatus.Canceled, now);

    public static string Word(BroadcastStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());
}
