using System.Text;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Segments.Azure.EventHubs;
using Segments.Core.Streaming;

namespace Segments.Azure.Tests.EventHubs;

public class EventHubsPublisherTests
{
    [Fact]
    public async Task Events_go_out_keyed_by_tenant_and_contact_with_the_tenant_as_a_property()
    {
        var producer = new RecordingProducer();
        var publisher = new EventHubsPublisher(producer);

        await publisher.PublishAsync([
            new OutgoingEvent("t1", "c1", Encoding.UTF8.GetBytes("""{"id":"e1"}""")),
            new OutgoingEvent("t2", "c1", Encoding.UTF8.GetBytes("""{"id":"e2"}""")),
            new OutgoingEvent("t1", "c1", Encoding.UTF8.GetBytes("""{"id":"e3"}""")),
        ]);

        Assert.Equal(["t1/c1", "t2/c1"], producer.Sent.Select(s => s.PartitionKey).Order());
        var first = producer.SentUnder("t1/c1");
        Assert.Equal(["""{"id":"e1"}""", """{"id":"e3"}"""], first.Select(e => e.EventBody.ToString()));
        Assert.All(first, e => Assert.Equal("t1", e.Properties[EventProperties.Tenant]));
        Assert.Equal("t2", producer.SentUnder("t2/c1").Single().Properties[EventProperties.Tenant]);
    }

    [Fact]
    public async Task A_contact_with_more_events_than_a_batch_holds_is_sent_in_several_batches()
    {
        var producer = new RecordingProducer(capacity: 2);

        await new EventHubsPublisher(producer).PublishAsync(
            [.. Enumerable.Range(0, 5).Select(i => new OutgoingEvent("t1", "c1", Encoding.UTF8.GetBytes($$"""{"id":"e{{i}}"}""")))]);

        Assert.Equal([2, 2, 1], producer.Sent.Select(s => s.Events.Count));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $$"""{"id":"e{{i}}"}"""), producer.SentUnder("t1/c1").Select(e => e.EventBody.ToString()));
    }

    [Fact]
    public async Task A_batch_of_many_contacts_sends_each_contact_s_events_in_order_under_its_own_key()
    {
        var producer = new RecordingProducer(capacity: 3);
        var events = Enumerable.Range(0, 400).Select(i => new OutgoingEvent("t1", $"c{i % 40}", Encoding.UTF8.GetBytes($$"""{"id":"e{{i}}"}"""))).ToList();

        await new EventHubsPublisher(producer).PublishAsync(events);

        Assert.Equal(40, producer.Sent.Select(s => s.PartitionKey).Distinct().Count());
        for (var c = 0; c < 40; c++)
        {
            Assert.Equal(events.Where(e => e.ContactId == $"c{c}").Select(e => Encoding.UTF8.GetString(e.Json.Span)),
                producer.SentUnder($"t1/c{c}").Select(e => e.EventBody.ToString()));
        }
    }
}
