using System.Text;
using Segments.Core.Membership;

namespace Segments.Core.Tests.Membership;

/// <summary>
/// The change feed is the outbox: drips, triggers and the stream each read it from their cursor, so a crash between
/// recording a change and handing it on delays the hand-over (to the next change of the segment or the next sweep)
/// and never loses or repeats a record.
/// </summary>
public class ChangeDispatcherTests
{
    private static readonly DateTimeOffset Now = new(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);
    private static readonly Consumer Drip = new(ConsumerKind.Drip, "pricing-drip", "pricing", ChangeKind.Entered);
    private static readonly Consumer Trigger = new(ConsumerKind.Trigger, "pricing-fired", "pricing", ChangeKind.Entered);
    private readonly RecordingPublisher _stream = new();
    private CrashingConsumerStore _consumers = null!;
    private readonly MembershipRig _rig;

    public ChangeDispatcherTests() =>
        _rig = new MembershipRig(Now, consumers: inner => _consumers = new CrashingConsumerStore(inner), publisher: _stream);

    private async Task SetUpAsync(params Consumer[] consumers)
    {
        await _rig.SaveAsync("""{"id":"pricing","name":"Pricing","match":{"pixel":{"event":"pricing_view"}}}""");
        foreach (var consumer in consumers)
        {
            await _rig.UseAsync(consumer);
        }
    }

    private static string PricingView(string contact) =>
        MembershipRig.Event($"e-{contact}", contact, Now - TimeSpan.FromMinutes(1), """{"kind":"pixel","name":"pricing_view"}""");

    private async Task<List<string>> RecordedAsync(Consumer consumer) =>
        [.. (await _rig.RecordsAsync(consumer.Kind, consumer.Id)).Select(r => r.ContactId)];

    [Fact]
    public async Task A_crash_between_recording_a_change_and_enrolling_loses_nothing_and_the_sweep_enrols_once()
    {
        await SetUpAsync(Drip, Trigger);
        _consumers.FailNext = true;

        await Assert.ThrowsAsync<IOException>(() => _rig.FoldAsync(PricingView("c1")));
        Assert.Single(await _rig.ChangesAsync("pricing"));
        Assert.Empty(await RecordedAsync(Drip));

        await _rig.Sweep.RunAsync();
        // The batch delivered again and later sweeps hand nothing on twice.
        await _rig.FoldAsync(PricingView("c1"));
        await _rig.Sweep.RunAsync();

        Assert.Equal(["c1"], await RecordedAsync(Drip));
        Assert.Equal(["c1"], await RecordedAsync(Trigger));
        Assert.Equal(["c1"], _stream.Published.Select(p => p.Change.ContactId));
    }

    [Fact]
    public async Task Dispatches_of_a_segment_running_at_once_hand_each_change_on_once()
    {
        await SetUpAsync(Drip);
        _stream.Down = true; // the changes wait in the feed
        foreach (var contact in new[] { "c1", "c2", "c3" })
        {
            await Assert.ThrowsAsync<IOException>(() => _rig.FoldAsync(PricingView(contact)));
        }
        _stream.Down = false;
        _stream.Latency = TimeSpan.FromMilliseconds(20);

        // After a fold, the sweep's catch-up and other folds all dispatching the segment at once.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => _rig.Dispatcher.DispatchAsync(MembershipRig.Tenant, "pricing",
            CancellationToken.None))));

        Assert.Equal(["c1", "c2", "c3"], _stream.Published.Select(p => p.Change.ContactId));
    }

    [Fact]
    public async Task The_next_change_of_the_segment_hands_on_what_a_crash_left_behind_at_once()
    {
        await SetUpAsync(Drip);
        _consumers.FailNext = true;
        await Assert.ThrowsAsync<IOException>(() => _rig.FoldAsync(PricingView("c1")));

        await _rig.FoldAsync(PricingView("c2"));

        Assert.Equal(["c1", "c2"], await RecordedAsync(Drip));
    }

    [Fact]
    public async Task A_drip_saved_after_changes_hears_only_later_ones_and_saved_again_keeps_its_place()
    {
        await SetUpAsync(Trigger);
        await _rig.FoldAsync(PricingView("c1"));
        await _rig.UseAsync(Drip);
        await _rig.Sweep.RunAsync();
        Assert.Empty(await RecordedAsync(Drip));

        _consumers.FailNext = true;
        await Assert.ThrowsAsync<IOException>(() => _rig.FoldAsync(PricingView("c2")));
        await _rig.UseAsync(Drip);
        await _rig.Sweep.RunAsync();

        Assert.Equal(["c2"], await RecordedAsync(Drip));
        Assert.Equal(["c1", "c2"], await RecordedAsync(Trigger));
    }

    [Fact]
    public async Task Changes_are_published_in_order_at_least_once_and_resume_after_the_stream_failed()
    {
        await SetUpAsync(Drip);
        _stream.FailNext = true;
        await Assert.ThrowsAsync<IOException>(() => _rig.FoldAsync(PricingView("c1")));
        Assert.Empty(_stream.Published);
        Assert.Equal(["c1"], await RecordedAsync(Drip));

        await _rig.FoldAsync(PricingView("c2"));
        await _rig.Sweep.RunAsync();

        var changes = await _rig.ChangesAsync("pricing");
        Assert.Equal(changes.Select(c => (MembershipRig.Tenant, c)), _stream.Published);
        Assert.Equal(
            $$"""{"tenant":"t1","segment":"pricing","sequence":{{changes[0].Sequence}},"contact":"c1","kind":"entered","at":"2026-09-01T08:30:00Z"}""",
            Encoding.UTF8.GetString(MembershipChangeMessage.Utf8(MembershipRig.Tenant, changes[0])));
    }
}
