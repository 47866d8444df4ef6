using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segments.Core.Streaming;
using Segments.Embedded.Durability;
using Segments.Embedded.Streaming;

namespace Segments.Embedded.Tests.Streaming;

public sealed class EventLogFoldTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-log-fold-").FullName;
    private readonly Messages _log = new();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private EventLog Open() => EventLog.Open(_folder, new EventLogOptions(), TimeProvider.System);

    private EventLogFold Fold(EventLog log, IStreamBatchHandler handler, int shutdownSeconds = 10) =>
        new(log, handler, new StoreSync([]), Options.Create(new EventLogOptions { ShutdownFoldSeconds = shutdownSeconds, MaxBatchSize = 10 }),
            TimeProvider.System, _log);

    private static async Task PublishAsync(EventLog log, int from, int count) =>
        await log.PublishAsync([.. Enumerable.Range(from, count).Select(i => new OutgoingEvent("t", "c", Encoding.UTF8.GetBytes($$"""{"id":"e{{i}}"}""")))]);

    [Fact]
    public async Task Every_event_is_handed_to_the_fold_once_in_order_and_the_checkpoint_survives_a_restart()
    {
        var handler = new Recording();
        using (var log = Open())
        {
            var fold = Fold(log, handler);
            await fold.StartAsync(CancellationToken.None);
            await PublishAsync(log, 0, 95);
            await log.WaitUntilFoldedAsync(TimeProvider.System).WaitAsync(TimeSpan.FromSeconds(30));
            await fold.StopAsync(CancellationToken.None);
        }
        using var reopened = Open();

        Assert.Equal(Enumerable.Range(0, 95).Select(i => $"log/{i}"), handler.Positions);
        Assert.Equal(95, reopened.Checkpointed);
        Assert.Contains(_log.All, m => m.Contains("Every event of the log is folded (95 in all)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_batch_that_fails_is_handed_again_until_it_is_folded_never_skipped()
    {
        var handler = new Recording(failures: 3);
        using var log = Open();
        var fold = Fold(log, handler);
        await fold.StartAsync(CancellationToken.None);
        await PublishAsync(log, 0, 25);
        await log.WaitUntilFoldedAsync(TimeProvider.System).WaitAsync(TimeSpan.FromSeconds(60));
        await fold.StopAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"log/{i}"), handler.Positions.Distinct());
        Assert.Equal(3, handler.Failed);
        Assert.Contains(_log.All, m => m.StartsWith("Folding events 0 to 9 of the log failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stop_past_its_bound_leaves_what_was_not_folded_in_the_log_says_how_much_and_the_next_start_folds_it()
    {
        using (var log = Open())
        {
            var stuck = new Recording(stuck: true);
            var fold = Fold(log, stuck, shutdownSeconds: 0);
            await fold.StartAsync(CancellationToken.None);
            await PublishAsync(log, 0, 30);
            await fold.StopAsync(CancellationToken.None);
            Assert.Contains(_log.All, m => m.Contains("with 30 events not yet folded", StringComparison.Ordinal));
            Assert.Equal(0, log.Checkpointed);
        }
        var handler = new Recording();
        using (var log = Open())
        {
            Assert.Equal((0L, 30L), (log.Checkpointed, log.Appended));
            var fold = Fold(log, handler);
            await fold.StartAsync(CancellationToken.None);
            await log.WaitUntilFoldedAsync(TimeProvider.System).WaitAsync(TimeSpan.FromSeconds(30));
            await fold.StopAsync(CancellationToken.None);
        }

        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"log/{i}"), handler.Positions);
        Assert.Contains(_log.All, m => m.StartsWith("Folding 30 events that the last run left", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_a_slow_batch_the_fold_waits_as_long_for_the_next_to_fill_so_batches_grow_under_load()
    {
        using var log = Open();
        var handler = new Slow(TimeSpan.FromSeconds(3));
        var fold = new EventLogFold(log, handler, new StoreSync([]),
            Options.Create(new EventLogOptions { GatherMilliseconds = 0, MaxGatherMilliseconds = 10_000 }), TimeProvider.System, _log);
        await fold.StartAsync(CancellationToken.None);
        await PublishAsync(log, 0, 1);
        await handler.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await PublishAsync(log, 1, 1);
        await handler.FirstDone.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Without the wait the fold would take event 1 alone, at once; it waits about 3 s for more.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await PublishAsync(log, 2, 1);
        await log.WaitUntilFoldedAsync(TimeProvider.System).WaitAsync(TimeSpan.FromSeconds(30));
        await fold.StopAsync(CancellationToken.None);

        Assert.Equal([["log/0"], ["log/1", "log/2"]], handler.Batches);
    }

    [Fact]
    public async Task A_batch_fills_at_the_backlog_the_log_accepts_so_a_full_log_is_folded_at_once_not_after_the_gather()
    {
        var options = new EventLogOptions { MaxBacklog = 1_000, MaxBatchSize = 5_000, GatherMilliseconds = 10_000 };
        using var log = EventLog.Open(_folder, options, TimeProvider.System);
        var handler = new Recording();
        var fold = new EventLogFold(log, handler, new StoreSync([]), Options.Create(options), TimeProvider.System, _log);
        await fold.StartAsync(CancellationToken.None);
        // All the log may hold unfolded (more is refused until the fold makes room): the fold takes it now, not 10 s
        // later when its gather ends.
        await PublishAsync(log, 0, 1_000);
        await log.WaitUntilFoldedAsync(TimeProvider.System).WaitAsync(TimeSpan.FromSeconds(5));
        await fold.StopAsync(CancellationToken.None);
        Assert.Equal(1_000, handler.Positions.Count());
    }

    /// <summary>Takes its time over the first batch it is handed; notes every batch.</summary>
    private sealed class Slow(TimeSpan first) : IStreamBatchHandler
    {
        private readonly ConcurrentQueue<string[]> _batches = new();

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource FirstDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IEnumerable<string[]> Batches => _batches;

        public async Task<StreamFoldResult> HandleAsync(IReadOnlyList<StreamMessage> batch, CancellationToken cancellationToken = default)
        {
            _batches.Enqueue([.. batch.Select(m => m.Position)]);
            if (Started.TrySetResult())
            {
                await Task.Delay(first, cancellationToken);
                FirstDone.SetResult();
            }
            return StreamFoldResult.Empty;
        }
    }

    /// <summary>Notes the positions it is handed; fails its first batches, or never finishes one until cancelled.</summary>
    private sealed class Recording(int failures = 0, bool stuck = false) : IStreamBatchHandler
    {
        private readonly ConcurrentQueue<string> _positions = new();
        private int _failed;

        public IEnumerable<string> Positions => _positions;

        public int Failed => _failed;

        public async Task<StreamFoldResult> HandleAsync(IReadOnlyList<StreamMessage> batch, CancellationToken cancellationToken = default)
        {
            if (stuck)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            if (Interlocked.Increment(ref _failed) <= failures)
            {
                throw new IOException("the store is away");
            }
            Interlocked.Decrement(ref _failed);
            foreach (var message in batch)
            {
                _positions.Enqueue(message.Position);
            }
            return StreamFoldResult.Empty;
        }
    }

    private sealed class Messages : ILogger<EventLogFold>
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IEnumerable<string> All => _messages;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception));
    }
}
