using Segments.Core.Jobs;
using Segments.Core.Ports;
using Segments.Orchestration.Jobs;

namespace Segments.Api.Tests;

/// <summary>
/// Runs a job's real work (<see cref="JobWork"/>: plan, every part, end) before the call that starts it returns, one part
/// after another: API tests read a job's effects right after starting it. The hosts run the same work as a Durable
/// orchestration (tested in the lifecycle tests).
/// </summary>
public sealed class InlineJobScheduler(JobWork work) : IJobScheduler
{
    public async Task StartAsync(Job job, CancellationToken cancellationToken = default)
    {
        var parts = await work.PlanAsync(job.Tenant, job.Id, cancellationToken);
        for (var i = 0; i < parts.Count; i++)
        {
            await work.RunPartAsync(job.Tenant, job.Id, i, parts[i], cancellationToken);
        }
        await work.EndAsync(job.Tenant, job.Id, null, cancellationToken);
    }
}
