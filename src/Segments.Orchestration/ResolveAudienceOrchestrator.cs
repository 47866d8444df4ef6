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
/// same content. Its output is the manifest, or null when the broadcast ended otherwise (canceled, failed). A
/// <see cref="BroadcastSignal"/> wakes it: while it waits, to fire at another time or to end; while it resolves, to stop
/// between partitions (those running finish, no other starts) and remove what was written.
/// </summary>
public sealed class ResolveAudienceOrchestrator : TaskOrchestrator<ResolveAudienceInput, AudienceManifest?>
{
    public const int MaxParallelPartitions = FanOut.MaxParallel;

    public static readonly TaskOptions Retries = FanOut.Retries;

    public override async Task<AudienceManifest?> RunAsync(TaskOrchestrationContext context, ResolveAudienceInput input)
    {
        // One waiter at a time: a signal goes to the earliest waiter, so an abandoned one would swallow it.
        var signal = context.WaitForExternalEvent<BroadcastSignal>(BroadcastSignal.Name);
        var sendAt = input.SendAt;
        while (sendAt is { } at && at.UtcDateTime > context.CurrentUtcDateTime)
        {
            context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Scheduled));
            using var waiting = new CancellationTokenSource();
            var timer = context.CreateTimer(at.UtcDateTime, waiting.Token);
            if (await Task.WhenAny(timer, signal) == timer)
            {
                break;
            }
            StopTimer(waiting);
            if (signal.Result.Cancel)
            {
                return null;
            }
            sendAt = signal.Result.SendAt;
            signal = context.WaitForExternalEvent<BroadcastSignal>(BroadcastSignal.Name);
        }
        try
        {
            return await ResolveAsync(context, input, signal);
        }
        catch (TaskFailedException failure)
        {
            await context.CallActivityAsync<bool>(nameof(FinishResolutionActivity),
                new FinishInput(input.Tenant, input.Broadcast, BroadcastStatus.Failed, failure.Message, Now(context)), Retries);
            throw;
        }
    }

    private static async Task<AudienceManifest?> ResolveAsync(TaskOrchestrationContext context, ResolveAudienceInput input, Task<BroadcastSignal> signal)
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

        var outcomes = await FanOutAsync(context, signal, partitions.Count,
            i => new PartitionInput(input.Tenant, input.Broadcast, input.List, asOf, segment, partitions[i], i));
        if (outcomes is null)
        {
            // Canceled: the record says so already; finishing removes the parts written.
            await context.CallActivityAsync<bool>(nameof(FinishResolutionActivity),
                new FinishInput(input.Tenant, input.Broadcast, BroadcastStatus.Canceled, null, Now(context)), Retries);
            logger.LogInformation("Broadcast {Broadcast} of tenant {Tenant} was canceled while resolving", input.Broadcast, input.Tenant);
            return null;
        }
        var resolved = Now(context);

        var tally = new AudienceTally();
        foreach (var outcome in outcomes)
        {
            tally.Add(AudienceTally.Of(outcome.Matched, outcome.Suppressed, outcome.OptedOut, outcome.Audience, outcome.Excluded));
        }
        var manifest = AudienceManifest.From(segment.Segment, asOf, input.List, tally, [.. outcomes.Select(o => o.Part)]) with
        {
            Broadcast = input.Broadcast,
            DefinitionVersion = segment.Version,
            Excluded = segment.Exclude is null ? null : tally.Excluded,
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

    /// <summary>
    /// Runs one activity per partition in the waves of <see cref="FanOut"/>; results by partition, or null when a cancel
    /// signal came: it is looked at between waves (where a replay sees it at the same place), so no partition starts
    /// after it and none of those started writes later.
    /// </summary>
    private static async Task<PartitionOutcome[]?> FanOutAsync(TaskOrchestrationContext context, Task<BroadcastSignal> signal, int count,
        Func<int, PartitionInput> inputOf)
    {
        var results = new List<PartitionOutcome>(count);
        context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Resolving, 0, count));
        for (var start = 0; start < count; start += MaxParallelPartitions)
        {
            if (signal.IsCompleted && signal.Result.Cancel)
            {
                return null;
            }
            if (signal.IsCompleted)
            {
                // Another send time, come too late to matter: wait for the next signal.
                signal = context.WaitForExternalEvent<BroadcastSignal>(BroadcastSignal.Name);
            }
            var wave = Enumerable.Range(start, Math.Min(MaxParallelPartitions, count - start)).Select(inputOf).ToList();
            results.AddRange(await FanOut.RunAsync<PartitionInput, PartitionOutcome>(context, nameof(ResolvePartitionActivity), wave));
            context.SetCustomStatus(new ResolutionProgress(ResolutionProgress.Resolving, results.Count, count));
        }
        return signal.IsCompleted && signal.Result.Cancel ? null : [.. results];
    }

    /// <summary>
    /// Cancels a durable timer on the orchestrator's own thread: <c>CancelAsync</c> would run the timer's continuation on
    /// another thread, which an orchestrator must never do (the SDK fails the orchestration).
    /// </summary>
    private static void StopTimer(CancellationTokenSource timer) => timer.Cancel();

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);

    private static long Ms(DateTimeOffset from, DateTimeOffset to) => (long)(to - from).TotalMilliseconds;
}
