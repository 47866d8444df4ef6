using Segments.Core.Jobs;

namespace Segments.Core.Ports;

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
