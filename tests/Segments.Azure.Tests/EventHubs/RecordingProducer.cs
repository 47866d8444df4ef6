using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;

namespace Segments.Azure.Tests.EventHubs;

/// <summary>The SDK's mockable producer: batches from the model factory, sends recorded (publishers send keys concurrently).</summary>
internal sealed class RecordingProducer(int capacity = 100) : EventHubProducerClient
{
    private readonly Dictionary<EventDataBatch, (string? Key, List<EventData> Events)> _batches = [];

    /// <summary>Every send, in the order made: within a key that is the events' order, across keys it is not defined.</summary>
    public List<(string? PartitionKey, List<EventData> Events)> Sent { get; } = [];

    public List<EventData> SentUnder(string key) => [.. Sent.Where(s => s.PartitionKey == key).SelectMany(s => s.Events)];

    public override ValueTask<EventDataBatch> CreateBatchAsync(CreateBatchOptions options, CancellationToken cancellationToken = default)
    {
        var events = new List<EventData>();
        var batch = EventHubsModelFactory.EventDataBatch(1_000_000, events, options, _ => events.Count < capacity);
        lock (_batches)
        {
            _batches[batch] = (options.PartitionKey, events);
        }
        return ValueTask.FromResult(batch);
    }

    public override Task SendAsync(EventDataBatch eventBatch, CancellationToken cancellationToken = default)
    {
        lock (_batches)
        {
            var (key, events) = _batches[eventBatch];
            Sent.Add((key, [.. events]));
        }
        return Task.CompletedTask;
    }
}
