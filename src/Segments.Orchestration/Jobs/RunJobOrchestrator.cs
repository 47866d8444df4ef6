using Microsoft.DurableTask;

namespace Segments.Orchestration.Jobs;

/// <summary>
/// Runs a long job recorded in the job store (<see cref="JobWork"/>: an import, a baseline): plans its parts, runs them in
/// parallel (at most <see cref="FanOut.MaxParallel"/> at a time, each retried; a part done before, by an earlier run of
/// the same job, is not done again) and ends it, failed with the reason when a part kept failing.
/// </summary>
public sealed class RunJobOrchestrator : TaskOrchestrator<JobInput, bool>
{
    public override async Task<bool> RunAsync(TaskOrchestrationContext context, JobInput input)
    {
        try
        {
            var parts = await context.CallActivityAsync<IReadOnlyList<string>>(nameof(PlanJobActivity), input, FanOut.Retries);
            await FanOut.RunAsync<JobPartInput, JobPartOutcome>(context, nameof(RunJobPartActivity),
                [.. parts.Select((part, index) => new JobPartInput(input.Tenant, input.Job, index, part))]);
            await context.CallActivityAsync<bool>(nameof(EndJobActivity), new JobEnd(input.Tenant, input.Job, null), FanOut.Retries);
            return true;
        }
        catch (TaskFailedException e)
        {
            await context.CallActivityAsync<bool>(nameof(EndJobActivity), new JobEnd(input.Tenant, input.Job, e.FailureDetails.ErrorMessage), FanOut.Retries);
            return false;
        }
    }
}

public sealed class PlanJobActivity(JobWork work) : TaskActivity<JobInput, IReadOnlyList<string>>
{
    public override Task<IReadOnlyList<string>> RunAsync(TaskActivityContext context, JobInput input) => work.PlanAsync(input.Tenant, input.Job);
}

public sealed class RunJobPartActivity(JobWork work) : TaskActivity<JobPartInput, JobPartOutcome>
{
    public override Task<JobPartOutcome> RunAsync(TaskActivityContext context, JobPartInput input) =>
        work.RunPartAsync(input.Tenant, input.Job, input.Index, input.Part);
}

public sealed class EndJobActivity(JobWork work) : TaskActivity<JobEnd, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, JobEnd input)
    {
        await work.EndAsync(input.Tenant, input.Job, input.Error);
        return true;
    }
}
