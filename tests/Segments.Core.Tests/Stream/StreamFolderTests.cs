using System.Text;
using Microsoft.Extensions.Time.Testing;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Documents;
using Segments.TestSupport.Stores;

namespace Segments.Core.Tests.Stream;

public class StreamFolderTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryContactStore _store = new();
    private readonly InMemoryDeadLetterStore _letters = new();

    private StreamFolder Folder(StreamFoldOptions? options = null) => new(_store, _letters, new ContactFolder(new FoldOptions()), Clock, options);

    private const string Open = """{"id":"e1","contactId":"c1","kind":"email","name":"open","at":"2026-11-01T10:00:00Z"}""";

    [Fact]
    public async Task Poison_deliveries_are_dead_lettered_with_their_reason_and_the_rest_is_folded()
    {
        var batch = new List<StreamMessage>
        {
            StreamEvents.Message("t1", Open, "0"),
            new(null, Encoding.UTF8.GetBytes(Open.Replace("e1", "e2")), "1"),
            StreamEvents.Message("t1", "{\"id\":", "2"),
            StreamEvents.Message("t1", Open.Replace("\"email\"", "\"sms\"").Replace("e1", "e3"), "3"),
            StreamEvents.Message("t1", Open.Replace("e1", "e4").Replace("}", ",\"properties\":{\"pad\":\"" + new string('x', 500) + "\"}}"), "4"),
            StreamEvents.Message("t1", Open.Replace("\"c1\"", $"\"{new string('c', 256)}\""), "5"),
        };

        var result = await Folder(new StreamFoldOptions { MaxEventBytes = 400 }).HandleAsync(batch);

        Assert.Equal((6, 1, 5, 1), (result.Events, result.Added, result.DeadLettered, result.ContactsWritten));
        Assert.Equal(["e1"], (await _store.ReadAsync("t1", "c1"))!.Document.Events.Select(e => e.Id));
        var letters = (await _letters.PageAsync("t1", null, 1000)).Letters;
        Assert.Equal(["stream:2", "stream:3", "stream:4", "stream:5"], letters.Select(l => l.Source).Order());
        Assert.Contains("not valid JSON", letters.Single(l => l.Source == "stream:2").Reason);
        Assert.Contains("$.kind: unknown kind 'sms'", letters.Single(l => l.Source == "stream:3").Reason);
        Assert.Contains("more than the limit of 400", letters.Single(l => l.Source == "stream:4").Reason);
        Assert.Contains("longer than 255", letters.Single(l => l.Source == "stream:5").Reason);
        var noTenant = Assert.Single((await _letters.PageAsync("", null, 1000)).Letters);
        Assert.Equal(("stream:1", "the delivery carries no tenant", Clock.GetUtcNow()), (noTenant.Source, noTenant.Reason, noTenant.At));
        Assert.Contains("\"e2\"", noTenant.Payload);
    }

    [Fact]
    public async Task An_event_beyond_the_horizon_is_dead_lettered_not_dropped()
    {
        var folder = Folder();
        await folder.HandleAsync([StreamEvents.Message("t1", Open, "0")]);
        var late = Open.Replace("e1", "old").Replace("2026-11-01", "2025-01-01");

        var result = await folder.HandleAsync([StreamEvents.Message("t1", late, "1")]);

        Assert.Equal((0, 1), (result.Added, result.DeadLettered));
        var letter = Assert.Single((await _letters.PageAsync("t1", null, 1000)).Letters);
        Assert.Contains("400 days behind", letter.Reason);
        Assert.Equal(late, letter.Payload);
    }

    [Fact]
    public async Task Replaying_a_batch_changes_nothing()
    {
        var folder = Folder();
        var batch = StreamEvents.Messages("t1", StreamEvents.Generate(seed: 9, count: 120, contacts: 5).Append("[]"));
        await folder.HandleAsync(batch);
        var before = await ContactsAsync();

        var replay = await folder.HandleAsync(batch);

        Assert.Equal((0, 120, 0), (replay.Added, replay.Duplicates, replay.ContactsWritten));
        Assert.Equal(before, await ContactsAsync());
        Assert.Single((await _letters.PageAsync("t1", null, 1000)).Letters);
    }

    [Fact]
    public async Task A_batch_costs_one_read_of_all_its_contacts_and_one_write_per_contact()
    {
        var counting = new CountingStore(_store);
        var folder = new StreamFolder(counting, _letters, new ContactFolder(new FoldOptions()), Clock);

        await folder.HandleAsync(StreamEvents.Messages("t1", StreamEvents.Generate(seed: 10, count: 200, contacts: 7)));

        Assert.Equal((0, 1, 7, 7), (counting.Reads, counting.ReadManys, counting.ContactsRead, counting.Writes));
    }

    private async Task<List<string>> ContactsAsync()
    {
        var all = new List<string>();
        foreach (var partition in await _store.ListPartitionsAsync("t1"))
        {
            await foreach (var d in _store.ScanAsync("t1", partition))
            {
                all.Add(Encoding.UTF8.GetString(ContactDocumentJson.Serialize(d)));
            }
        }
        return all;
    }

    private sealed class CountingStore(IContactStore inner) : DelegatingContactStore(inner)
    {
        public int Reads;
        public int ReadManys;
        public int ContactsRead;
        public int Writes;

        public override Task<StoredContact?> ReadAsync(string tenant, string contactId, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Reads);
            return base.ReadAsync(tenant, contactId, cancellationToken);
        }

        public override Task<IReadOnlyDictionary<string, StoredContact>> ReadManyAsync(string tenant, IReadOnlyCollection<string> contactIds,
            CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref ReadManys);
            Interlocked.Add(ref ContactsRead, contactIds.Count);
            return base.ReadManyAsync(tenant, contactIds, cancellationToken);
        }

        public override Task<string> WriteAsync(string tenant, ContactDocument document, string? ifMatch, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Writes);
            return base.WriteAsync(tenant, document, ifMatch, cancellationToken);
        }
    }
}
