using Segments.Core.Jobs;

namespace Segments.Core.Ports;

/// <summary>Starts a job's work (idempotent: a job whose work is under way is left to it).</summary>
public interface IJobScheduler
{
    Task StartAsync(Job job, CancellationToken cancellationToken = default);
}
