using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;

namespace Segments.Azure.EventHubs;

/// <summary>Sends events under one partition key, in order, in as few batches as the hub's batch size allows.</summary>
internal static class KeyedBatches
{
    public static async Task SendAsync(EventHubProducerClient producer, string partitionKey, IEnumerable<EventData> events,
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
