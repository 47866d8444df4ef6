using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Segments.Core.Jobs;
using Segments.Core.Ports;

namespace Segments.Orchestration.Jobs;

/// <summary>
/// Starts a job as the orchestration <see cref="RunJobOrchestrator"/>, whose instance id is derived from the tenant and
/// the job: starting it again while it runs (or after it completed) does nothing, so a resume after a restart is safe.
/// </summary>
public sealed class DurableJobScheduler(DurableTaskClient durable) : IJobScheduler
{
    public static string InstanceId(string tenant, string job) => $"job:{tenant}:{job}";

    public async Task StartAsync(Job job, CancellationToken cancellationToken = default)
    {
        var instance = InstanceId(job.Tenant, job.Id);
        if (await durable.GetInstanceAsync(instance, cancellationToken) is { RuntimeStatus: not (OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated) })
        {
            return;
        }
        await durable.ScheduleNewOrchestrationInstanceAsync(nameof(RunJobOrchestrator), new JobInput(job.Tenant, job.Id),
            new StartOrchestrationOptions(instance), cancellationToken);
    }
}

/// <summary>
/// Starts every job recorded as queued or running whose orchestration is not under way: after a restart of
/// <c>segments serve</c> (whose Durable backend keeps nothing across one), or in the Functions app when a start was lost.
/// </summary>
public sealed class JobRecovery(IJobStore jobs)
{
    public async Task<int> ResumeAsync(IJobScheduler scheduler, CancellationToken cancellationToken = default)
    {
        var unfinished = await jobs.UnfinishedAsync(cancellationToken);
        foreach (var job in unfinished)
        {
            await scheduler.StartAsync(job, cancellationToken);
        }
        return unfinished.Count;
    }
}

public static class JobTasks
{
    /// <summary>
    /// The job orchestration and its activities. The host registers what they use: the job store, the import spool, the
    /// contact, catalog and membership stores with tracking, a <see cref="TimeProvider"/> (see <c>AddJobWork</c>).
    /// </summary>
    public static DurableTaskRegistry AddJobs(this DurableTaskRegistry registry) => registry
        .AddOrchestrator<RunJobOrchestrator>()
        .AddActivity<PlanJobActivity>()
        .AddActivity<RunJobPartActivity>()
        .AddActivity<EndJobActivity>();
}
