using System.Text.Json;
using Segments.Azure.EventHubs;
using Segments.Core.Membership;

namespace Segments.Azure.Tests.EventHubs;

public class EventHubsChangePublisherTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_change_is_one_event_keyed_by_tenant_and_segment_in_sequence_order()
    {
        var producer = new RecordingProducer();

        await new EventHubsChangePublisher(producer).PublishAsync("t1", [
            new MembershipChange(7, "win-back", "c2", ChangeKind.Left, At.AddMinutes(1)),
            new MembershipChange(3, "vip", "c1", ChangeKind.Entered, At),
            new MembershipChange(5, "win-back", "c1", ChangeKind.Entered, At),
        ], CancellationToken.None);

        Assert.Equal(["t1/vip", "t1/win-back"], producer.Sent.Select(s => s.PartitionKey).Order());
        var winBack = producer.SentUnder("t1/win-back");
        Assert.Equal([5L, 7L], winBack.Select(e => JsonDocument.Parse(e.EventBody.ToString()).RootElement.GetProperty("sequence").GetInt64()));
        Assert.All(producer.Sent.SelectMany(s => s.Events), e =>
        {
            Assert.Equal("t1", e.Properties[EventProperties.Tenant]);
            Assert.Equal("application/json", e.ContentType);
        });
        var body = JsonDocument.Parse(producer.SentUnder("t1/vip").Single().EventBody.ToString()).RootElement;
        Assert.Equal(("t1", "vip", "c1", "entered"),
            (body.GetProperty("tenant").GetString(), body.GetProperty("segment").GetString(), body.GetProperty("contact").GetString(),
                body.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task More_changes_than_a_batch_holds_go_out_in_several_batches_in_order()
    {
        var producer = new RecordingProducer(capacity: 2);

        await new EventHubsChangePublisher(producer).PublishAsync("t1",
            [.. Enumerable.Range(1, 5).Select(i => new MembershipChange(i, "s1", $"c{i}", ChangeKind.Entered, At))], CancellationToken.None);

        Assert.Equal([2, 2, 1], producer.Sent.Select(s => s.Events.Count));
        Assert.Equal(["c1", "c2", "c3", "c4", "c5"], producer.SentUnder("t1/s1")
            .Select(e => JsonDocument.Parse(e.EventBody.ToString()).RootElement.GetProperty("contact").GetString()));
    }
}
