using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;

namespace Segments.Azure.EventHubs;

/// <summary>Sends events by partition key: each key's events in order, in as few batches as the hub's batch size allows.</summary>
internal static class KeyedBatches
{
    // Keys go to the hub concurrently: one send is a round trip, and a pixel batch of a hundred contacts is a hundred keys.
    private const int ConcurrentKeys = 8;

    public static Task SendAsync(EventHubProducerClient producer, IEnumerable<(string Key, IEnumerable<EventData> Events)> keyed,
        CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(keyed, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentKeys, CancellationToken = cancellationToken },
            async (key, token) => await SendAsync(producer, key.Key, key.Events, token));

    private static async Task SendAsync(EventHubProducerClient producer, string partitionKey, IEnumerable<EventData> events,
        CancellationToken cancellationToken)
    {
        var pending = new Queue<EventData>(events);
        while (pending.Count > 0)
        {
            using var batch = await producer.CreateBatchAsync(new CreateBatchOptions { PartitionKey = partitionKey }, cancellationToken);
            while (pending.Count > 0 && batch.TryAdd(pending.Peek()))
            {
                pending.Dequeue();
            }
            if (batch.Count == 0)
            {
                throw new InvalidOperationException($"an event of partition key '{partitionKey}' is larger than an Event Hubs batch");
            }
            await producer.SendAsync(batch, cancellationToken);
        }
    }
}
