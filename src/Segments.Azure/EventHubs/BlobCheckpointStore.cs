using System.Globalization;
using Azure;
using Azure.Messaging.EventHubs.Consumer;
using Azure.Messaging.EventHubs.Primitives;
using Azure.Messaging.EventHubs.Processor;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Segments.Azure.EventHubs;

/// <summary>
/// Event Hubs ownership and checkpoints in a Blob container, in exactly the layout of the Event Hubs SDK's own blob
/// checkpoint store (Azure.Messaging.EventHubs.Processor), so that switching to the official processor or the
/// Functions trigger keeps both:
/// <list type="bullet">
/// <item><c>{namespace}/{hub}/{consumer group}/ownership/{partition}</c> (the three names lower-cased): an empty
/// blob with metadata <c>ownerid</c>; its ETag is the ownership version, so a claim with a stale version loses.</item>
/// <item><c>{namespace}/{hub}/{consumer group}/checkpoint/{partition}</c>: metadata <c>offset</c>,
/// <c>sequencenumber</c> and <c>clientidentifier</c>.</item>
/// </list>
/// The container must exist (Bicep creates <c>checkpoints</c>).
/// </summary>
public sealed class BlobCheckpointStore(BlobContainerClient container) : CheckpointStore
{
    private const string OwnerId = "ownerid";
    private const string Offset = "offset";
    private const string SequenceNumber = "sequencenumber";
    private const string ClientIdentifier = "clientidentifier";

    public override async Task<IEnumerable<EventProcessorPartitionOwnership>> ListOwnershipAsync(
        string fullyQualifiedNamespace, string eventHubName, string consumerGroup, CancellationToken cancellationToken)
    {
        var prefix = Prefix(fullyQualifiedNamespace, eventHubName, consumerGroup, "ownership");
        var result = new List<EventProcessorPartitionOwnership>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix, cancellationToken))
        {
            result.Add(new EventProcessorPartitionOwnership
            {
                FullyQualifiedNamespace = fullyQualifiedNamespace,
                EventHubName = eventHubName,
                ConsumerGroup = consumerGroup,
                OwnerIdentifier = blob.Metadata.TryGetValue(OwnerId, out var owner) ? owner : null,
                PartitionId = blob.Name[prefix.Length..],
                LastModifiedTime = blob.Properties.LastModified.GetValueOrDefault(),
                Version = blob.Properties.ETag?.ToString().Trim('"'),
            });
        }
        return result;
    }

    /// <summary>
    /// Claims each partition only if its ownership blob is still at the version the claim carries (or, with no
    /// version, does not exist yet); a claim that loses the race is left out of the result.
    /// </summary>
    public override async Task<IEnumerable<EventProcessorPartitionOwnership>> ClaimOwnershipAsync(
        IEnumerable<EventProcessorPartitionOwnership> desiredOwnership, CancellationToken cancellationToken)
    {
        var claimed = new List<EventProcessorPartitionOwnership>();
        foreach (var ownership in desiredOwnership)
        {
            var blob = container.GetBlobClient(
                Prefix(ownership.FullyQualifiedNamespace, ownership.EventHubName, ownership.ConsumerGroup, "ownership") + ownership.PartitionId);
            var metadata = new Dictionary<string, string> { [OwnerId] = ownership.OwnerIdentifier };
            try
            {
                if (ownership.Version is { } version)
                {
                    var info = await blob.SetMetadataAsync(metadata, new BlobRequestConditions { IfMatch = new ETag(version) }, cancellationToken);
                    ownership.LastModifiedTime = info.Value.LastModified;
                    ownership.Version = info.Value.ETag.ToString().Trim('"');
                }
                else
                {
                    var info = await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions
                    {
                        Metadata = metadata,
                        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    }, cancellationToken);
                    ownership.LastModifiedTime = info.Value.LastModified;
                    ownership.Version = info.Value.ETag.ToString().Trim('"');
                }
                claimed.Add(ownership);
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ConditionNotMet || e.ErrorCode == BlobErrorCode.BlobAlreadyExists
                || e.ErrorCode == BlobErrorCode.BlobNotFound)
            {
                // Another processor claimed it first (or released it meanwhile): not ours this round.
            }
        }
        return claimed;
    }

    public override async Task<EventProcessorCheckpoint?> GetCheckpointAsync(
        string fullyQualifiedNamespace, string eventHubName, string consumerGroup, string partitionId, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(Prefix(fullyQualifiedNamespace, eventHubName, consumerGroup, "checkpoint") + partitionId);
        BlobProperties properties;
        try
        {
            properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound || e.Status == 404)
        {
            return null;
        }
        var metadata = properties.Metadata;
        // As the SDK's store reads it: the offset wins when present; "no offset" is a placeholder some writers leave.
        EventPosition? position =
            metadata.TryGetValue(Offset, out var offset) && offset.Length > 0 && !offset.Equals("no offset", StringComparison.OrdinalIgnoreCase)
                ? EventPosition.FromOffset(offset, isInclusive: false)
                : metadata.TryGetValue(SequenceNumber, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var sequence)
                    && sequence != long.MinValue
                    ? EventPosition.FromSequenceNumber(sequence, isInclusive: false)
                    : null;
        return position is null ? null : new EventProcessorCheckpoint
        {
            FullyQualifiedNamespace = fullyQualifiedNamespace,
            EventHubName = eventHubName,
            ConsumerGroup = consumerGroup,
            PartitionId = partitionId,
            StartingPosition = position.Value,
            ClientIdentifier = metadata.TryGetValue(ClientIdentifier, out var client) ? client : null,
            LastModified = properties.LastModified,
        };
    }

    public override async Task UpdateCheckpointAsync(string fullyQualifiedNamespace, string eventHubName, string consumerGroup, string partitionId,
        string clientIdentifier, CheckpointPosition startingPosition, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(Prefix(fullyQualifiedNamespace, eventHubName, consumerGroup, "checkpoint") + partitionId);
        var metadata = new Dictionary<string, string>
        {
            [Offset] = startingPosition.OffsetString ?? "",
            [SequenceNumber] = startingPosition.SequenceNumber == long.MinValue ? "" : startingPosition.SequenceNumber.ToString(CultureInfo.InvariantCulture),
            [ClientIdentifier] = clientIdentifier ?? "",
        };
        try
        {
            await blob.SetMetadataAsync(metadata, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Metadata = metadata }, cancellationToken);
        }
    }

    private static string Prefix(string fullyQualifiedNamespace, string eventHubName, string consumerGroup, string kind) =>
        $"{fullyQualifiedNamespace.ToLowerInvariant()}/{eventHubName.ToLowerInvariant()}/{consumerGroup.ToLowerInvariant()}/{kind}/";
}
