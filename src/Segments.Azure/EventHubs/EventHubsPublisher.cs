using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Segments.Core.Ports;
using Segments.Core.Streaming;

namespace Segments.Azure.EventHubs;

/// <summary>
/// Publishes events to the contact-events hub: partition key <c>tenant/contact</c>, so that one contact's events
/// stay in order in one partition and the fold's per-contact grouping pays off; the tenant travels as the
/// <see cref="EventProperties.Tenant"/> application property.
/// </summary>
public sealed class EventHubsPublisher(EventHubProducerClient producer) : IEventPublisher
{
    public Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken = default) =>
        KeyedBatches.SendAsync(producer,
            events.GroupBy(e => $"{e.Tenant}/{e.ContactId}", StringComparer.Ordinal).Select(g => (g.Key, g.Select(ToEventData))), cancellationToken);

    private static EventData ToEventData(OutgoingEvent e) =>
        new(e.Json) { ContentType = "application/json", Properties = { [EventProperties.Tenant] = e.Tenant } };
}
