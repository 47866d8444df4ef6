using Azure.Core;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Primitives;
using Azure.Messaging.EventHubs.Processor;
using Microsoft.Extensions.Logging;
using Segments.Core.Streaming;

namespace Segments.Azure.EventHubs;

/// <summary>
/// Consumes the contact-events hub with the SDK's own load balancing (<see cref="PluggableCheckpointStoreEventProcessor{TPartition}"/>)
/// and hands each partition's batches to the stream fold: the tenant comes from the <see cref="EventProperties.Tenant"/>
/// application property, the position is (partition, sequence number), and the checkpoint is written only after
/// the fold returned. A batch that fails (a store briefly unavailable) is retried, not skipped; if the partition is
/// lost meanwhile, the next owner starts from the last checkpoint and replays, which changes nothing.
/// </summary>
public class ContactEventProcessor(
    CheckpointStore checkpoints,
    EventHubsOptions options,
    TokenCredential credential,
    IStreamBatchHandler fold,
    TimeProvider time,
    ILogger<ContactEventProcessor> logger,
    EventProcessorOptions? processorOptions = null)
    : PluggableCheckpointStoreEventProcessor<EventProcessorPartition>(
        checkpoints, options.MaxBatchSize, options.ConsumerGroup, options.FullyQualifiedNamespace, options.HubName, credential, processorOptions)
{
    public static StreamMessage ToMessage(EventData e, string partitionId) => new(
        e.Properties.TryGetValue(EventProperties.Tenant, out var tenant) ? tenant as string : null,
        e.EventBody.ToMemory(),
        $"eventhubs/{partitionId}/{e.SequenceNumber}");

    protected override async Task OnProcessingEventBatchAsync(IEnumerable<EventData> events, EventProcessorPartition partition,
        CancellationToken cancellationToken)
    {
        var batch = events.ToList();
        if (batch.Count == 0)
        {
            return;
        }
        var messages = batch.ConvertAll(e => ToMessage(e, partition.PartitionId));
        var result = await BatchRetry.RunAsync(ct => fold.HandleAsync(messages, ct), time, cancellationToken,
            (error, delay) => logger.LogWarning(error, "Folding a batch of partition {Partition} failed; retrying in {Delay}", partition.PartitionId, delay));
        await UpdateCheckpointAsync(partition.PartitionId, CheckpointPosition.FromEvent(batch[^1]), cancellationToken);
        logger.LogDebug("Partition {Partition}: folded {Events} events ({Added} new, {DeadLettered} dead-lettered), checkpoint at {Sequence}",
            partition.PartitionId, result.Events, result.Added, result.DeadLettered, batch[^1].SequenceNumber);
    }

    protected override Task OnProcessingErrorAsync(Exception exception, EventProcessorPartition partition, string operationDescription,
        CancellationToken cancellationToken)
    {
        logger.LogError(exception, "Event processor error in {Operation} (partition {Partition})", operationDescription, partition?.PartitionId);
        return Task.CompletedTask;
    }
}
