using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Segments.Core.Audience;

namespace Segments.Orchestration;

/// <summary>
/// Resolves a broadcast's audience: waits (a durable timer) until the send time, freezes the segment, lists the
/// contact partitions, resolves them in parallel (at most <see cref="MaxParallelPartitions"/> at a time), adds up
/// their counts and writes the manifest last. Deterministic, as orchestrators must be: it reads time only from its
/// context and does no I/O itself (activities do), so a replay takes the same path and every activity that runs
/// again writes the same names with the same content.
/// </summary>
public sealed class ResolveAudienceOrchestrator : TaskOrchestrator<ResolveAudienceInput, AudienceManifest>
{
    public const int MaxParallelPartitions = FanOut.MaxParallel;

    public static readonly TaskOptions Retries = FanOut.Retries;

    public override async Task<AudienceManifest> RunAsync(TaskOrchestrationContext context, ResolveAudienceInput input)
    {
        var logger = context.CreateReplaySafeLogger<ResolveAudienceOrchestrator>();
        if (input.SendAt is { } sendAt && sendAt.UtcDateTime > context.CurrentUtcDateTime)
        {
            context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Scheduled));
            await context.CreateTimer(sendAt.UtcDateTime, CancellationToken.None);
        }

        var started = Now(context);
        var asOf = input.AsOf ?? started;
        context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Preparing));
        var segment = await context.CallActivityAsync<FrozenSegment?>(nameof(PrepareResolutionActivity),
            new PrepareInput(input.Tenant, input.Segment), Retries)
            ?? throw new InvalidOperationException($"segment '{input.Segment}' does not exist (any more)");
        var prepared = Now(context);
        var partitions = await context.CallActivityAsync<IReadOnlyList<string>>(nameof(ListPartitionsActivity), input.Tenant, Retries);
        var listed = Now(context);
        logger.LogInformation("Resolving segment {Segment} for broadcast {Broadcast} of tenant {Tenant} over {Partitions} partitions",
            input.Segment, input.Broadcast, input.Tenant, partitions.Count);

        var outcomes = await FanOutAsync(context, partitions.Count,
            i => new PartitionInput(input.Tenant, input.Broadcast, input.List, asOf, segment, partitions[i], i));
        var resolved = Now(context);

        var tally = new AudienceTally();
        foreach (var outcome in outcomes)
        {
            tally.Add(AudienceTally.Of(outcome.Matched, outcome.Suppressed, outcome.OptedOut, outcome.Audience));
        }
        var manifest = AudienceManifest.From(input.Segment, asOf, input.List, tally, [.. outcomes.Select(o => o.Part)]) with
        {
            Broadcast = input.Broadcast,
            DefinitionVersion = segment.Version,
            Timings = new AudienceTimings(Ms(started, prepared), Ms(prepared, listed), Ms(listed, resolved), Ms(started, resolved),
                outcomes.Sum(o => o.ScanMs), outcomes.Sum(o => o.WriteMs)),
        };
        context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Writing, partitions.Count, partitions.Count));
        await context.CallActivityAsync<bool>(nameof(WriteManifestActivity), new ManifestInput(input.Tenant, input.Broadcast, manifest), Retries);
        context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Done, partitions.Count, partitions.Count));
        logger.LogInformation("Resolved segment {Segment} for broadcast {Broadcast} of tenant {Tenant}: {Matched} matched, {Audience} in the audience",
            input.Segment, input.Broadcast, input.Tenant, manifest.Matched, manifest.Audience);
        return manifest;
    }

    /// <summary>Runs one activity per partition, never more than <see cref="MaxParallelPartitions"/> at once; results by partition.</summary>
    private static Task<PartitionOutcome[]> FanOutAsync(TaskOrchestrationContext context, int count, Func<int, PartitionInput> inputOf) =>
        FanOut.RunAsync<PartitionInput, PartitionOutcome>(context, nameof(ResolvePartitionActivity), [.. Enumerable.Range(0, count).Select(inputOf)],
            done => context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Resolving, done, count)));

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);

    private static long Ms(DateTimeOffset from, DateTimeOffset to) => (long)(to - from).TotalMilliseconds;
}
