using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segments.Core.Streaming;
using Segments.Embedded.Durability;

namespace Segments.Embedded.Streaming;

/// <summary>
/// Folds the event log for as long as the host runs, as the Event Hubs processor does in Azure: from the checkpoint
/// on, a batch at a time, each retried until folded (never skipped), the position persisted at most every
/// <see cref="EventLogOptions.CheckpointMilliseconds"/> once the stores hold the fold's writes durably. A crash anywhere
/// replays at least the events after the last checkpoint, and the fold's idempotence makes that exactly once in
/// effect. On shutdown the log refuses new events, the fold goes on for at most
/// <see cref="EventLogOptions.ShutdownFoldSeconds"/> and what it did not reach stays in the log for the next start.
/// </summary>
public sealed class EventLogFold(
    EventLog log, IStreamBatchHandler fold, StoreSync stores, IOptions<EventLogOptions> options, TimeProvider time, ILogger<EventLogFold> logger)
    : IHostedService
{
    private readonly CancellationTokenSource _draining = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly SemaphoreSlim _checkpointing = new(1, 1);
    private long _folded;
    private Task? _folding;
    private Task? _checkpoints;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var from = log.Checkpointed;
        _folded = from;
        if (log.Appended > from)
        {
            logger.LogInformation("Folding {Count} events that the last run left in the event log (from event {From})", log.Appended - from, from);
        }
        _folding = Task.Run(() => FoldAsync(from), CancellationToken.None);
        _checkpoints = Task.Run(CheckpointEveryIntervalAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        log.Close();
        await _draining.CancelAsync();
        var bound = TimeSpan.FromSeconds(options.Value.ShutdownFoldSeconds);
        try
        {
            await _folding!.WaitAsync(bound, time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            await _abort.CancelAsync();
        }
        await Quietly(_folding!);
        await Quietly(_checkpoints!);
        await CheckpointAsync();
        var left = log.Appended - Interlocked.Read(ref _folded);
        if (left > 0)
        {
            logger.LogWarning(
                "Stopped folding after {Seconds} s with {Left} events not yet folded; they stay in the event log and are folded at the next start",
                options.Value.ShutdownFoldSeconds, left);
        }
        else
        {
            logger.LogInformation("Every event of the log is folded ({Events} in all)", log.Appended);
        }
        log.Dispose();
    }

    private async Task FoldAsync(long from)
    {
        try
        {
            await FoldFromAsync(from);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogCritical(e, "The event log fold stopped; events are still accepted and kept, and folded after a restart");
            throw;
        }
    }

    private async Task FoldFromAsync(long from)
    {
        using var reader = log.Read(from);
        var folding = TimeSpan.Zero;
        while (true)
        {
            IReadOnlyList<StreamMessage> batch;
            try
            {
                batch = await reader.ReadAsync(BatchSize, wait: !_draining.IsCancellationRequested, _draining.Token, Gather(folding));
            }
            catch (OperationCanceledException) when (_draining.IsCancellationRequested)
            {
                continue;
            }
            if (batch.Count == 0)
            {
                return;
            }
            // The attempt that folded it is timed, not the retries' back-off before it.
            await BatchRetry.RunAsync(async ct =>
            {
                var started = time.GetTimestamp();
                var folded = await fold.HandleAsync(batch, ct);
                folding = time.GetElapsedTime(started);
                return folded;
            }, time, _abort.Token, (error, delay) =>
                logger.LogError(error, "Folding events {From} to {To} of the log failed; trying again in {Delay}", reader.Next - batch.Count,
                    reader.Next - 1, delay));
            Interlocked.Exchange(ref _folded, reader.Next);
            log.MarkFolded(reader.Next);
        }
    }

    /// <summary>
    /// The wait for the next batch to fill: as long as the last batch took to fold, within the bounds set. Folding an event
    /// costs less in a larger batch, so under a load the fold cannot follow in small batches the wait grows with the fold's
    /// time until the batches are large enough for it to keep up folding about half of the time (see
    /// <see cref="EventLogOptions.MaxGatherMilliseconds"/>); an idle service's batches stay small and prompt.
    /// </summary>
    /// <summary>
    /// A batch's events at most: never more than the backlog the log accepts, or a batch waiting to fill would wait out its
    /// whole gather while ingestion is refused for want of room.
    /// </summary>
    private int BatchSize => (int)Math.Min(options.Value.MaxBatchSize, options.Value.MaxBacklog);

    private TimeSpan Gather(TimeSpan lastFold) =>
        TimeSpan.FromMilliseconds(Math.Clamp(lastFold.TotalMilliseconds, options.Value.GatherMilliseconds,
            Math.Max(options.Value.GatherMilliseconds, options.Value.MaxGatherMilliseconds)));

    private async Task CheckpointEveryIntervalAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.CheckpointMilliseconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(_abort.Token) && !_folding!.IsCompleted)
            {
                try
                {
                    await CheckpointAsync();
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Could not persist the fold's position in the event log; the next checkpoint tries again");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: StopAsync writes the last checkpoint.
        }
    }

    /// <summary>The stores first, then the position: a checkpoint never passes a write that a power loss could undo.</summary>
    private async Task CheckpointAsync()
    {
        await _checkpointing.WaitAsync();
        try
        {
            var folded = Interlocked.Read(ref _folded);
            if (folded > log.Checkpointed)
            {
                stores.Flush();
                log.Checkpoint(folded);
            }
        }
        finally
        {
            _checkpointing.Release();
        }
    }

    private async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // Stopped within its bound.
        }
        catch (Exception)
        {
            // Logged where it happened.
        }
    }
}
