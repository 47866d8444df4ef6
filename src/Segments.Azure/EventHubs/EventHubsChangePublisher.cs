using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Segments.Core.Membership;
using Segments.Core.Ports;

namespace Segments.Azure.EventHubs;

/// <summary>
/// Publishes membership changes to their own hub (<see cref="EventHubsOptions.ChangesHubName"/>), never the fold's:
/// one event per change (<see cref="MembershipChangeMessage"/>), partition key <c>tenant/segment</c> so that a
/// segment's changes stay in sequence order in one partition, the tenant as the <see cref="EventProperties.Tenant"/>
/// property. Returns once every batch is sent, so the dispatcher moves its cursor only past published changes.
/// </summary>
public sealed class EventHubsChangePublisher(EventHubProducerClient producer) : IMembershipChangePublisher
{
    public Task PublishAsync(string tenant, IReadOnlyList<MembershipChange> changes, CancellationToken cancellationToken) =>
        KeyedBatches.SendAsync(producer, changes.GroupBy(c => c.Segment, StringComparer.Ordinal).Select(segment => ($"{tenant}/{segment.Key}",
            segment.OrderBy(c => c.Sequence).Select(c => new EventData(MembershipChangeMessage.Utf8(tenant, c))
            {
                ContentType = "application/json",
                Properties = { [EventProperties.Tenant] = tenant },
            }))), cancellationToken);
}
