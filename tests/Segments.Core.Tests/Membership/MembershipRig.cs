using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Segments.Core.Catalog;
using Segments.Core.Documents;
using Segments.Core.Language;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Core.Tests.Stream;

namespace Segments.Core.Tests.Membership;

/// <summary>
/// Membership tracking over in-memory stores with a fake clock: the catalog, the fold that tells the tracker of its
/// batch's writes, the dispatcher and the sweep. The membership and consumer stores, and the contact store as the fold
/// writes it, can be wrapped (to count or to fail).
/// </summary>
internal sealed class MembershipRig
{
    public const string Tenant = "t1";

    public MembershipRig(DateTimeOffset now, Func<IMembershipStore, IMembershipStore>? membership = null,
        Func<IConsumerStore, IConsumerStore>? consumers = null, IMembershipChangePublisher? publisher = null,
        Func<IContactStore, IContactStore>? folded = null)
    {
        Clock = new FakeTimeProvider(now);
        Membership = membership?.Invoke(Memberships) ?? Memberships;
        Consumers = consumers?.Invoke(Records) ?? Records;
        Catalog = new SegmentCatalog(CatalogStore);
        Dispatcher = new ChangeDispatcher(Membership, Consumers, publisher);
        Tracker = new MembershipTracker(new TrackedSegments(CatalogStore), Membership, Dispatcher, Contacts, Clock);
        Sweep = new TimeSweep(Membership, Contacts, Tracker, Dispatcher, Clock);
        Fold = Tracker.Around(new StreamFolder(folded?.Invoke(Contacts) ?? Contacts, new InMemoryDeadLetterStore(), new ContactFolder(new FoldOptions()), Clock, written: Tracker));
    }

    public FakeTimeProvider Clock { get; }

    public InMemoryContactStore Contacts { get; } = new();

    /// <summary>The stores as kept, unwrapped.</summary>
    public InMemoryMembershipStore Memberships { get; } = new();

    public InMemoryConsumerStore Records { get; } = new();

    public IMembershipStore Membership { get; }

    public IConsumerStore Consumers { get; }

    public InMemoryCatalogStore CatalogStore { get; } = new();

    public SegmentCatalog Catalog { get; }

    public ChangeDispatcher Dispatcher { get; }

    public MembershipTracker Tracker { get; }

    public TimeSweep Sweep { get; }

    /// <summary>The stream fold as the hosts register it: the contacts of a batch tracked together after it.</summary>
    public IStreamBatchHandler Fold { get; }

    public async Task SaveAsync(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.True((await Catalog.SaveSegmentAsync(Tenant, document.RootElement, null)).Succeeded);
    }

    /// <summary>
    /// Saves a drip or trigger as the route does (in the catalog with a baseline job, then with its cursor), and runs the
    /// baseline job (<see cref="BaselineAsync"/>) unless told to leave it pending.
    /// </summary>
    public async Task UseAsync(Consumer consumer, bool baseline = true)
    {
        var saved = await Catalog.SetUserAsync(Tenant, User(consumer), [new SegmentReference(consumer.Segment, "$.segment")], baseline: $"baseline-{consumer.Id}");
        Assert.True(saved.Succeeded);
        await Dispatcher.SaveAsync(Tenant, consumer, CancellationToken.None);
        if (baseline && saved.Value!.Baseline is { } job)
        {
            await BaselineAsync(consumer, job);
        }
    }

    /// <summary>
    /// The baseline job's work: every partition, then the job done in the catalog; with <paramref name="scanned"/>, the
    /// partitions are scanned from it (the contacts as another reader sees them) by a tracker of their own.
    /// </summary>
    public async Task BaselineAsync(Consumer consumer, string job, IContactStore? scanned = null)
    {
        var tracker = scanned is null ? Tracker : new MembershipTracker(new TrackedSegments(CatalogStore), Membership, Dispatcher, scanned, Clock);
        foreach (var partition in await Contacts.ListPartitionsAsync(Tenant))
        {
            await tracker.BaselinePartitionAsync(Tenant, consumer.Segment, partition, CancellationToken.None);
        }
        Assert.True((await Catalog.FinishBaselineAsync(Tenant, User(consumer), job)).Succeeded);
    }

    private static CatalogUser User(Consumer consumer) =>
        new(consumer.Kind == ConsumerKind.Drip ? CatalogUserKind.Drip : CatalogUserKind.Trigger, consumer.Id);

    public Task FoldAsync(params string[] events) => Fold.HandleAsync(StreamEvents.Messages(Tenant, events));

    public Task<IReadOnlyList<MembershipChange>> ChangesAsync(string segment) => Memberships.ChangesAsync(Tenant, segment, 0, 100);

    public Task<IReadOnlyList<ConsumerRecord>> RecordsAsync(ConsumerKind kind, string id) => Records.RecordsAsync(Tenant, kind, id, 0, 100);

    /// <summary>An event of the contact at the instant, with the other members of <paramref name="json"/> (an object).</summary>
    public static string Event(string id, string contact, DateTimeOffset at, string json) =>
        $$"""{"id":"{{id}}","contactId":"{{contact}}","at":"{{at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}}",{{json.TrimStart()[1..]}}""";
}
