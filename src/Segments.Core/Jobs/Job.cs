namespace Segments.Core.Jobs;

/// <summary>What a long job does: import contacts from an upload, or record a tracked segment's baseline.</summary>
public enum JobKind : byte
{
    Import,
    Baseline,
}

public enum JobStatus : byte
{
    Queued,
    Running,
    Completed,
    Failed,
}

/// <summary>
/// A long job, the record of it that outlives any process: its kind, its input (JSON, by kind), how many parts its work
/// was cut into (0 until known), and how it ended. The parts' outcomes are recorded one by one (<see cref="JobPart"/>).
/// </summary>
public sealed record Job(string Tenant, string Id, JobKind Kind, JobStatus Status, DateTimeOffset Created, string Input)
{
    public int Parts { get; init; }

    public DateTimeOffset? Finished { get; init; }

    /// <summary>Why it failed (a failed job only).</summary>
    public string? Error { get; init; }

    public bool IsFinished => Status is JobStatus.Completed or JobStatus.Failed;

    /// <summary>A new job id: the kind and 20 random hex digits (lower-case letters, digits and a dash, as ids are).</summary>
    public static string NewId(JobKind kind) =>
        $"{Word(kind)}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(10))}";

    public static string Word(JobKind kind) => kind == JobKind.Import ? "import" : "baseline";

    public static string Word(JobStatus status) => status switch
    {
        JobStatus.Queued => "queued",
        JobStatus.Running => "running",
        JobStatus.Completed => "completed",
        _ => "failed",
    };
}

/// <summary>One problem of one item of a job's input: where (a line of the upload, and a JSON path in it) and what.</summary>
public sealed record JobError(long Line, string Path, string Message);

/// <summary>
/// What one part of a job did: how many items it handled and how many of them it rejected, with the first
/// <see cref="MaxErrors"/> problems (in input order).
/// </summary>
public sealed record JobPart(int Index, long Done, long Rejected, IReadOnlyList<JobError> Errors)
{
    public const int MaxErrors = 100;
}
