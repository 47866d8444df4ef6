using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Segments.Core.Streaming;

namespace Segments.Azure.EventHubs;

/// <summary>
/// Publishes events to the contact-events hub: partition key <c>tenant/contact</c>, so that one contact's events
/// stay in order in one partition and the fold's per-contact grouping pays off; the tenant travels as the
/// <see cref="EventProperties.Tenant"/> application property.
/// </summary>
public sealed class EventHubsPublisher(EventHubProducerClient producer) : IEventPublisher
{
    public async Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken = default)
    {
        foreach (var group in events.GroupBy(e => $"{e.Tenant}/{e.ContactId}", StringComparer.Ordinal))
        {
            await KeyedBatches.SendAsync(producer, group.Key, group.Select(ToEventData), cancellationToken);
        }
    }

    private static EventData ToEventData(OutgoingEvent e) =>
        new(e.Json) { ContentType = "application/json", Properties = { [EventProperties.Tenant] = e.Tenant } };
}
