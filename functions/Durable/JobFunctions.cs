using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segments.Core.Jobs;
using Segments.Orchestration.Jobs;

namespace Segments.Functions.Durable;

/// <summary>
/// The job orchestration of <see cref="JobTasks"/> (imports, baselines: a Durable orchestration fanned out over the
/// upload's chunks or the contact partitions) as Durable functions named after their classes, each running the class
/// <c>segments serve</c> registers; and a timer that starts any recorded job whose start was lost.
/// </summary>
public static class JobFunctions
{
    public const string ResumeSchedule = "0 * * * * *";

    [Function(nameof(RunJobOrchestrator))]
    public static Task<bool> RunJob([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new RunJobOrchestrator().RunAsync(context, context.GetInput<JobInput>()!);

    [Function(nameof(PlanJobActivity))]
    public static Task<IReadOnlyList<string>> PlanJob([ActivityTrigger] JobInput input, FunctionContext function) =>
        Work(function).PlanAsync(input.Tenant, input.Job, function.CancellationToken);

    [Function(nameof(RunJobPartActivity))]
    public static Task<JobPartOutcome> RunJobPart([ActivityTrigger] JobPartInput input, FunctionContext function) =>
        Work(function).RunPartAsync(input.Tenant, input.Job, input.Index, input.Part, function.CancellationToken);

    [Function(nameof(EndJobActivity))]
    public static async Task<bool> EndJob([ActivityTrigger] JobEnd input, FunctionContext function)
    {
        await Work(function).EndAsync(input.Tenant, input.Job, input.Error, function.CancellationToken);
        return true;
    }

    /// <summary>Every minute: a job recorded but not running (its start lost with an instance) is started.</summary>
    [Function("ResumeJobs")]
    public static async Task Resume([TimerTrigger(ResumeSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient durable, FunctionContext function)
    {
        var resumed = await function.InstanceServices.GetRequiredService<JobRecovery>().ResumeAsync(new DurableJobScheduler(durable),
            function.CancellationToken);
        function.GetLogger(nameof(JobFunctions)).LogDebug("{Jobs} unfinished jobs checked", resumed);
    }

    private static JobWork Work(FunctionContext function) => function.InstanceServices.GetRequiredService<JobWork>();
}
