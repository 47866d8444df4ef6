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

/// <summary>
/// Where jobs are recorded. Every call but <see cref="UnfinishedAsync"/> is scoped by the tenant. A part's outcome is kept
/// once: recording it again (a retried step) keeps the first.
/// </summary>
public interface IJobStore
{
    /// <summary>Records a new job; false when the tenant has one of that id already.</summary>
    Task<bool> CreateAsync(Job job, CancellationToken cancellationToken = default);

    Task<Job?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default);

    /// <summary>The job runs, cut into <paramref name="parts"/> parts.</summary>
    Task StartAsync(string tenant, string id, int parts, CancellationToken cancellationToken = default);

    /// <summary>Keeps a part's outcome unless one is kept already; true when this one was kept.</summary>
    Task<bool> CompletePartAsync(string tenant, string id, JobPart part, CancellationToken cancellationToken = default);

    /// <summary>The outcomes kept so far, by index.</summary>
    Task<IReadOnlyList<JobPart>> PartsAsync(string tenant, string id, CancellationToken cancellationToken = default);

    Task FinishAsync(string tenant, string id, JobStatus status, string? error, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Every tenant's jobs that are queued or running (to resume them after a restart).</summary>
    Task<IReadOnlyList<Job>> UnfinishedAsync(CancellationToken cancellationToken = default);
}

/// <summary>Starts a job's work (idempotent: a job whose work is under way is left to it).</summary>
public interface IJobScheduler
{
    Task StartAsync(Job job, CancellationToken cancellationToken = default);
}
