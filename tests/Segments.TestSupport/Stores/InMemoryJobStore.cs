using Segments.Core.Jobs;
using Segments.Core.Ports;

namespace Segments.TestSupport.Stores;

/// <summary>Jobs in memory, behind one lock: for tests and a reference for the adapters.</summary>
public sealed class InMemoryJobStore : IJobStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Tenant, string Id), Job> _jobs = [];
    private readonly Dictionary<(string Tenant, string Id), SortedDictionary<int, JobPart>> _parts = [];

    public Task<bool> CreateAsync(Job job, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_jobs.TryAdd((job.Tenant, job.Id), job));
        }
    }

    public Task<Job?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_jobs.GetValueOrDefault((tenant, id)));
        }
    }

    public Task StartAsync(string tenant, string id, int parts, CancellationToken cancellationToken = default) =>
        Update(tenant, id, job => job.IsFinished ? job : job with { Status = JobStatus.Running, Parts = parts });

    public Task<bool> CompletePartAsync(string tenant, string id, JobPart part, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_parts.TryGetValue((tenant, id), out var parts))
            {
                _parts[(tenant, id)] = parts = [];
            }
            return Task.FromResult(parts.TryAdd(part.Index, part));
        }
    }

    public Task<IReadOnlyList<JobPart>> PartsAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<JobPart>>(_parts.TryGetValue((tenant, id), out var parts) ? [.. parts.Values] : []);
        }
    }

    public Task FinishAsync(string tenant, string id, JobStatus status, string? error, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Update(tenant, id, job => job.IsFinished ? job : job with { Status = status, Error = error, Finished = at });

    public Task<IReadOnlyList<Job>> UnfinishedAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Job>>([.. _jobs.Values.Where(j => !j.IsFinished)]);
        }
    }

    private Task Update(string tenant, string id, Func<Job, Job> change)
    {
        lock (_lock)
        {
            if (_jobs.TryGetValue((tenant, id), out var job))
            {
                _jobs[(tenant, id)] = change(job);
            }
            return Task.CompletedTask;
        }
    }
}
