using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Consumer;
using Azure.Messaging.EventHubs.Primitives;
using Microsoft.Extensions.Logging.Abstractions;
using Segments.Azure.EventHubs;
using Segments.Core.Streaming;

namespace Segments.Azure.Tests.EventHubs;

/// <summary>
/// One hub partition as the SDK's model factory builds its events (there is no Event Hubs emulator), and a
/// processor whose partition reading is done by the test: it delivers batches from a starting position through the
/// processor's real batch handler and checkpointing.
/// </summary>
internal sealed class FakeHub(string partitionId, IReadOnlyList<EventData> events)
{
    public const string Namespace = "segments-test.servicebus.windows.net";

    public static EventHubsOptions Options => new() { FullyQualifiedNamespace = Namespace, HubName = "contact-events", ConsumerGroup = "fold" };

    public string PartitionId => partitionId;

    public IReadOnlyList<EventData> Events => events;

    public static FakeHub Of(string partitionId, string? tenant, IEnumerable<string> bodies) => new(partitionId, [.. bodies.Select((body, i) =>
        EventHubsModelFactory.EventData(
            new BinaryData(Encoding.UTF8.GetBytes(body)),
            properties: tenant is null ? new Dictionary<string, object>() : new Dictionary<string, object> { [EventProperties.Tenant] = tenant },
            partitionKey: null,
            sequenceNumber: i,
            offsetString: (1000L + (i * 100)).ToString(CultureInfo.InvariantCulture),
            enqueuedTime: new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)))]);

    /// <summary>Where a processor resumes: after the checkpointed event, or from the start.</summary>
    public async Task<int> ResumeIndexAsync(TestProcessor processor)
    {
        var checkpoint = await processor.CheckpointAsync(partitionId);
        if (checkpoint is null)
        {
            return 0;
        }
        for (var i = 0; i < events.Count; i++)
        {
            if (checkpoint.StartingPosition == EventPosition.FromOffset(events[i].OffsetString, isInclusive: false))
            {
                return i + 1;
            }
        }
        throw new InvalidOperationException("the checkpoint names no event of this partition");
    }

    /// <summary>Delivers the rest of the partition from the checkpoint in batches, as the processor's partition pump would.</summary>
    public async Task RunAsync(TestProcessor processor, int batchSize, CancellationToken cancellationToken = default)
    {
        for (var next = await ResumeIndexAsync(processor); next < events.Count; next += batchSize)
        {
            await processor.DeliverAsync(events.Skip(next).Take(batchSize), partitionId, cancellationToken);
        }
    }
}

internal sealed class TestProcessor(CheckpointStore checkpoints, IStreamBatchHandler fold)
    : ContactEventProcessor(checkpoints, FakeHub.Options, new NoCredential(), fold, TimeProvider.System, NullLogger<ContactEventProcessor>.Instance)
{
    public Task DeliverAsync(IEnumerable<EventData> events, string partitionId, CancellationToken cancellationToken = default) =>
        OnProcessingEventBatchAsync(events, new TestPartition(partitionId), cancellationToken);

    public Task<EventProcessorCheckpoint> CheckpointAsync(string partitionId) => GetCheckpointAsync(partitionId, CancellationToken.None);

    private sealed class TestPartition : EventProcessorPartition
    {
        public TestPartition(string id) => PartitionId = id;
    }

    private sealed class NoCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new NotSupportedException("no Event Hubs connection in tests");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new NotSupportedException("no Event Hubs connection in tests");
    }
}
