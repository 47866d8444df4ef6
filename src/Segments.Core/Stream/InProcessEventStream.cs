using System.Threading.Channels;
using Segments.Core.Ports;

namespace Segments.Core.Streaming;

/// <summary>
/// The event stream of the single-machine runtime, in place of Event Hubs: bounded channels, one per partition
/// (by contact, like the hub's partition key), each consumed in batches by one loop. A batch leaves its channel
/// only once the handler has folded it ("checkpoint after the batch is durably folded"); a failing batch is
/// retried, never skipped. Nothing survives the process: publishers of the single-machine runtime hand events
/// over only when the process is up, as the HTTP routes do.
/// </summary>
public sealed class InProcessEventStream : IEventPublisher
{
    private readonly Channel<StreamMessage>[] _partitions;
    private readonly string _instance = Guid.NewGuid().ToString("N")[..12];
    private readonly long[] _published;
    private long _folded;

    public InProcessEventStream(int partitions = 4, int capacityPerPartition = 10_000)
    {
        _partitions = [.. Enumerable.Range(0, partitions).Select(_ => Channel.CreateBounded<StreamMessage>(
            new BoundedChannelOptions(capacityPerPartition) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }))];
        _published = new long[partitions];
    }

    public int Partitions => _partitions.Length;

    /// <summary>Waits while a partition is full, so a slow fold slows publishers down instead of growing memory.</summary>
    public async Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken = default)
    {
        foreach (var e in events)
        {
            var partition = InMemoryContactStore.PartitionOf($"{e.Tenant}/{e.ContactId}", _partitions.Length);
            // Positions name the delivery uniquely: this stream instance, the partition and its sequence number.
            var sequence = Interlocked.Increment(ref _published[partition]);
            await _partitions[partition].Writer.WriteAsync(new StreamMessage(e.Tenant, e.Json, $"channel/{_instance}/{partition}/{sequence}"),
                cancellationToken);
        }
    }

    /// <summary>Waits until every event published so far has been folded (a demo or a test that then reads the store).</summary>
    public async Task WaitUntilFoldedAsync(TimeProvider time, CancellationToken cancellationToken = default)
    {
        while (Interlocked.Read(ref _folded) < Published())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken);
        }
    }

    private long Published()
    {
        long published = 0;
        for (var p = 0; p < _published.Length; p++)
        {
            published += Interlocked.Read(ref _published[p]);
        }
        return published;
    }

    /// <summary>No more events: <see cref="RunAsync"/> returns once everything published is folded.</summary>
    public void Complete()
    {
        foreach (var partition in _partitions)
        {
            partition.Writer.TryComplete();
        }
    }

    /// <summary>
    /// Consumes every partition until <see cref="Complete"/> and drained, or until cancelled; <paramref name="onRetry"/>
    /// hears of each failed attempt at a batch (to log it) before the batch is tried again.
    /// </summary>
    public Task RunAsync(IStreamBatchHandler handler, TimeProvider time, int maxBatchSize = 256, Action<Exception, TimeSpan>? onRetry = null,
        CancellationToken cancellationToken = default) =>
        Task.WhenAll(_partitions.Select(p => ConsumeAsync(p.Reader, handler, time, maxBatchSize, onRetry, cancellationToken)));

    private async Task ConsumeAsync(ChannelReader<StreamMessage> reader, IStreamBatchHandler handler, TimeProvider time, int maxBatchSize,
        Action<Exception, TimeSpan>? onRetry, CancellationToken cancellationToken)
    {
        var batch = new List<StreamMessage>(maxBatchSize);
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            while (batch.Count < maxBatchSize && reader.TryRead(out var message))
            {
                batch.Add(message);
            }
            await BatchRetry.RunAsync(ct => handler.HandleAsync(batch, ct), time, cancellationToken, onRetry);
            Interlocked.Add(ref _folded, batch.Count);
            batch.Clear();
        }
    }
}
