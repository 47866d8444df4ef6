using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Segments.Core.Audience;
using Segments.Orchestration;

namespace Segments.Functions.Durable;

/// <summary>
/// The send-time resolution of <see cref="AudienceResolutionTasks"/> as Durable functions: each function is named
/// after its class (the names the orchestrator calls) and runs that class, the one <c>segments serve</c> registers
/// with its Durable Task worker. The classes live in another assembly and carry no <c>[DurableTask]</c> attribute, so
/// the extension's source generator does not wrap them; these wrappers do what it would.
/// </summary>
public static class AudienceResolutionFunctions
{
    [Function(nameof(ResolveAudienceOrchestrator))]
    public static Task<AudienceManifest?> ResolveAudience([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ResolveAudienceOrchestrator().RunAsync(context, context.GetInput<ResolveAudienceInput>()!);

    [Function(nameof(StartResolutionActivity))]
    public static Task<ResolutionStart> StartResolution([ActivityTrigger] StartInput input, string instanceId, FunctionContext function) =>
        Activity<StartResolutionActivity>(function).RunAsync(new Context(nameof(StartResolutionActivity), instanceId), input);

    [Function(nameof(FinishResolutionActivity))]
    public static Task<bool> FinishResolution([ActivityTrigger] FinishInput input, string instanceId, FunctionContext function) =>
        Activity<FinishResolutionActivity>(function).RunAsync(new Context(nameof(FinishResolutionActivity), instanceId), input);

    [Function(nameof(ListPartitionsActivity))]
    public static Task<IReadOnlyList<string>> ListPartitions([ActivityTrigger] string tenant, string instanceId, FunctionContext function) =>
        Activity<ListPartitionsActivity>(function).RunAsync(new Context(nameof(ListPartitionsActivity), instanceId), tenant);

    [Function(nameof(ResolvePartitionActivity))]
    public static Task<PartitionOutcome> ResolvePartition([ActivityTrigger] PartitionInput input, string instanceId, FunctionContext function) =>
        Activity<ResolvePartitionActivity>(function).RunAsync(new Context(nameof(ResolvePartitionActivity), instanceId), input);

    [Function(nameof(WriteManifestActivity))]
    public static Task<bool> WriteManifest([ActivityTrigger] ManifestInput input, string instanceId, FunctionContext function) =>
        Activity<WriteManifestActivity>(function).RunAsync(new Context(nameof(WriteManifestActivity), instanceId), input);

    private static T Activity<T>(FunctionContext function) where T : ITaskActivity =>
        ActivatorUtilities.GetServiceOrCreateInstance<T>(function.InstanceServices);

    private sealed class Context(TaskName name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;

        public override string InstanceId { get; } = instanceId;
    }
}
