using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Segments.Core.Audience;
using Segments.Core.Broadcasts;

namespace Segments.Orchestration;

/// <summary>
/// Resolves a broadcast's audience: waits (a durable timer) until the send time, starts the resolution from the
/// broadcast's record (which freezes the segment and fixes the instant, or resumes with those of an interrupted attempt),
/// lists the contact partitions, resolves them in parallel (at most <see cref="MaxParallelPartitions"/> at a time), adds
/// up their counts, writes the manifest last and records the broadcast completed (or, when a step fails for good,
/// failed). Deterministic, as orchestrators must be: it reads time only from its context and does no I/O itself
/// (activities do), so a replay takes the same path and every activity that runs again writes the same names with the
/// same content. Its output is the manifest, or null when the broadcast ended otherwise (canceled, failed).
/// </summary>
public sealed class ResolveAudienceOrchestrator : TaskOrchestrator<ResolveAudienceInput, AudienceManifest?>
{
    public const int MaxParallelPartitions = 8;

    /// <summary>Activities are retried with exponential backoff: 1 s, 2 s, 4 s, … up to a minute apart, six attempts in all.</summary>
    public static readonly TaskOptions Retries = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 6, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1)));

    public override async Task<AudienceManifest?> RunAsync(TaskOrchestrationContext context, ResolveAudienceInput input)
    {
        if (input.SendAt is { } sendAt && sendAt.UtcDateTime > context.CurrentUtcDateTime)
        {
            context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Scheduled));
            await context.CreateTimer(sendAt.UtcDateTime, CancellationToken.None);
        }
        try
        {
            return await ResolveAsync(context, input);
        }
        catch (TaskFailedException failure)
        {
            await context.CallActivityAsync<bool>(nameof(FinishResolutionActivity),
                new FinishInput(input.Tenant, input.Broadcast, BroadcastStatus.Failed, failure.Message, Now(context)), Retries);
            throw;
        }
    }

    private static async Task<AudienceManifest?> ResolveAsync(TaskOrchestrationContext context, ResolveAudienceInput input)
    {
        var logger = context.CreateReplaySafeLogger<ResolveAudienceOrchestrator>();
        var started = Now(context);
        context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Preparing));
        var start = await context.CallActivityAsync<ResolutionStart>(nameof(StartResolutionActivity), new StartInput(input, started), Retries);
        if (start.Outcome != ResolutionStart.ResolveOutcome)
        {
            context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Done));
            return start.Manifest;
        }
        var (asOf, segment) = (start.AsOf, start.Segment!);
        var prepared = Now(context);
        var partitions = await context.CallActivityAsync<IReadOnlyList<string>>(nameof(ListPartitionsActivity), input.Tenant, Retries);
        var listed = Now(context);
        logger.LogInformation("Resolving segment {Segment} for broadcast {Broadcast} of tenant {Tenant} over {Partitions} partitions",
            segment.Segment, input.Broadcast, input.Tenant, partitions.Count);

        var outcomes = await FanOutAsync(context, partitions.Count,
            i => new PartitionInput(input.Tenant, input.Broadcast, input.List, asOf, segment, partitions[i], i));
        var resolved = Now(context);

        var tally = new AudienceTally();
        foreach (var outcome in outcomes)
        {
            tally.Add(AudienceTally.Of(outcome.Matched, outcome.Suppressed, outcome.OptedOut, outcome.Audience));
        }
        var manifest = AudienceManifest.From(segment.Segment, asOf, input.List, tally, [.. outcomes.Select(o => o.Part)]) with
        {
            Broadcast = input.Broadcast,
            DefinitionVersion = segment.Version,
            Timings = new AudienceTimings(Ms(started, prepared), Ms(prepared, listed), Ms(listed, resolved), Ms(started, resolved),
                outcomes.Sum(o => o.ScanMs), outcomes.Sum(o => o.WriteMs)),
        };
        context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Writing, partitions.Count, partitions.Count));
        await context.CallActivityAsync<bool>(nameof(WriteManifestActivity), new ManifestInput(input.Tenant, input.Broadcast, manifest), Retries);
        await context.CallActivityAsync<bool>(nameof(FinishResolutionActivity),
            new FinishInput(input.Tenant, input.Broadcast, BroadcastStatus.Completed, null, Now(context)), Retries);
        context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Done, partitions.Count, partitions.Count));
        logger.LogInformation("Resolved segment {Segment} for broadcast {Broadcast} of tenant {Tenant}: {Matched} matched, {Audience} in the audience",
            segment.Segment, input.Broadcast, input.Tenant, manifest.Matched, manifest.Audience);
        return manifest;
    }

    /// <summary>Runs one activity per partition, never more than <see cref="MaxParallelPartitions"/> at once; results by partition.</summary>
    private static async Task<PartitionOutcome[]> FanOutAsync(TaskOrchestrationContext context, int count, Func<int, PartitionInput> inputOf)
    {
        var results = new PartitionOutcome[count];
        var running = new Dictionary<Task<PartitionOutcome>, int>();
        var next = 0;
        var done = 0;
        context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Resolving, 0, count));
        while (done < count)
        {
            while (next < count && running.Count < MaxParallelPartitions)
            {
                running[context.CallActivityAsync<PartitionOutcome>(nameof(ResolvePartitionActivity), inputOf(next), Retries)] = next;
                next++;
            }
            var finished = await Task.WhenAny(running.Keys);
            results[running[finished]] = await finished;
            running.Remove(finished);
            done++;
            context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Resolving, done, count));
        }
        return results;
    }

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);

    private static long Ms(DateTimeOffset from, DateTimeOffset to) => (long)(to - from).TotalMilliseconds;
}
