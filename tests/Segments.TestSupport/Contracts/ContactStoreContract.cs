using Segments.Core.Contacts;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Documents;
using Segments.Engine.Model;
using Segments.TestSupport.Stores;

namespace Segments.TestSupport.Contracts;

/// <summary>
/// What every <see cref="IContactStore"/> must do, run through the real stream fold: exact counts under eight
/// concurrent writers, identical documents whatever the delivery order and repetition, tenants kept apart, batch reads,
/// partitions that cover each contact once, optimistic concurrency, crash replay, and every property of a document
/// kept. Linked into the adapter test projects, each of which derives one class per store.
/// </summary>
public abstract class ContactStoreContract
{
    /// <summary>A fresh, empty store.</summary>
    protected abstract Task<IContactStore> CreateStoreAsync();

    protected static StreamFolder Folder(IContactStore store, IDeadLetterStore? deadLetters = null) =>
        new(store, deadLetters ?? new InMemoryDeadLetterStore(), new ContactFolder(new FoldOptions()), TimeProvider.System);

    protected static async Task<Dictionary<string, ContactDocument>> ScanAllAsync(IContactStore store, string tenant)
    {
        var documents = new Dictionary<string, ContactDocument>(StringComparer.Ordinal);
        foreach (var partition in await store.ListPartitionsAsync(tenant))
        {
            await foreach (var document in store.ScanAsync(tenant, partition))
            {
                Assert.True(documents.TryAdd(document.Id, document), $"contact {document.Id} is in two partitions");
            }
        }
        return documents;
    }

    protected static string Json(ContactDocument document) => System.Text.Encoding.UTF8.GetString(ContactDocumentJson.Serialize(document));

    [Fact]
    public async Task The_sample_scan_holds_exactly_the_tenant_s_contacts_of_the_estimation_sample()
    {
        var store = await CreateStoreAsync();
        var ids = Enumerable.Range(0, 600).Select(i => $"c{i}").ToList();
        foreach (var id in ids)
        {
            await store.WriteAsync("t1", new ContactDocument(id) { Email = $"{id}@example.com" }, ifMatch: null);
        }
        await store.WriteAsync("t2", new ContactDocument(ids.First(EstimationSample.Contains)), ifMatch: null);
        // A rewrite keeps the contact in the sample.
        var first = ids.First(EstimationSample.Contains);
        var stored = await store.ReadAsync("t1", first);
        await store.WriteAsync("t1", new ContactDocument(first) { Email = "new@example.com" }, stored!.ETag);

        var sampled = new List<ContactDocument>();
        await foreach (var contact in store.ScanSampleAsync("t1"))
        {
            sampled.Add(contact);
        }

        var expected = ids.Where(EstimationSample.Contains).Order(StringComparer.Ordinal).ToList();
        Assert.InRange(expected.Count, 1, 30);
        Assert.Equal(expected, sampled.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal("new@example.com", sampled.Single(c => c.Id == first).Email);
    }

    [Fact]
    public async Task A_deleted_contact_is_gone_from_reads_scans_and_the_sample_and_may_be_created_again()
    {
        var store = await CreateStoreAsync();
        var sampled = Enumerable.Range(0, 1000).Select(i => $"c{i}").First(EstimationSample.Contains);
        foreach (var id in new[] { "c-keep", sampled })
        {
            await store.WriteAsync("t1", new ContactDocument(id), ifMatch: null);
        }
        await store.WriteAsync("t2", new ContactDocument(sampled), ifMatch: null);

        Assert.True(await store.DeleteAsync("t1", sampled));
        Assert.False(await store.DeleteAsync("t1", sampled));

        Assert.Null(await store.ReadAsync("t1", sampled));
        Assert.Equal(["c-keep"], (await ScanAllAsync(store, "t1")).Keys);
        await foreach (var contact in store.ScanSampleAsync("t1"))
        {
            Assert.Fail($"{contact.Id} is still in the sample");
        }
        Assert.NotNull(await store.ReadAsync("t2", sampled));
        await store.WriteAsync("t1", new ContactDocument(sampled), ifMatch: null);
        Assert.NotNull(await store.ReadAsync("t1", sampled));
    }

    [Fact]
    public async Task Eight_concurrent_writers_folding_the_same_contacts_lose_nothing()
    {
        var store = await CreateStoreAsync();
        var events = StreamEvents.Generate(seed: 1, count: 800, contacts: 10);
        var messages = StreamEvents.Messages("t1", events);

        // Each writer folds its own share plus every fourth event of the next writer's share, in small batches:
        // all of them race for the same ten contacts, and some events arrive twice.
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var folder = Folder(store);
            var mine = messages.Where((_, i) => i % 8 == w || (i % 8 == (w + 1) % 8 && i % 4 == 0)).ToList();
            var conflicts = 0;
            foreach (var batch in mine.Chunk(7))
            {
                conflicts += (await folder.HandleAsync(batch)).Conflicts;
            }
            return conflicts;
        })).ToList();
        await Task.WhenAll(writers);

        var documents = await ScanAllAsync(store, "t1");
        var expected = events.Select(e => System.Text.Json.JsonDocument.Parse(e).RootElement)
            .GroupBy(e => e.GetProperty("contactId").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(e => e.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(expected.Keys.Order(), documents.Keys.Order());
        foreach (var (contact, ids) in expected)
        {
            Assert.Equal(ids, documents[contact].Events.Select(e => e.Id).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Duplicate_and_reordered_deliveries_give_identical_documents()
    {
        var store = await CreateStoreAsync();
        var events = StreamEvents.Generate(seed: 2, count: 400, contacts: 12);
        var folder = Folder(store);
        foreach (var batch in StreamEvents.Messages("in-order", events).Chunk(50))
        {
            await folder.HandleAsync(batch);
        }
        var random = new Random(5);
        var messy = events.Concat(events.Where((_, i) => i % 3 == 0)).OrderBy(_ => random.Next()).ToList();
        foreach (var batch in StreamEvents.Messages("messy", messy).Chunk(17))
        {
            await folder.HandleAsync(batch);
        }

        var inOrder = await ScanAllAsync(store, "in-order");
        var shuffled = await ScanAllAsync(store, "messy");
        Assert.Equal(inOrder.Keys.Order(), shuffled.Keys.Order());
        foreach (var (id, document) in inOrder)
        {
            Assert.Equal(Json(document), Json(shuffled[id]));
        }
    }

    [Fact]
    public async Task A_tenant_never_sees_another_tenants_contacts()
    {
        var store = await CreateStoreAsync();
        var folder = Folder(store);
        var events = StreamEvents.Generate(seed: 3, count: 60, contacts: 6);
        await folder.HandleAsync(StreamEvents.Messages("tenant-a", events));
        await folder.HandleAsync(StreamEvents.Messages("tenant-b", events.Take(30)));
        await folder.HandleAsync(StreamEvents.Messages("tenant-c", events.Skip(30)));

        var a = await ScanAllAsync(store, "tenant-a");
        var b = await ScanAllAsync(store, "tenant-b");
        var nobody = await ScanAllAsync(store, "tenant-z");

        Assert.Empty(nobody);
        Assert.Equal(30, b.Values.Sum(d => d.Events.Length));
        Assert.Equal(60, a.Values.Sum(d => d.Events.Length));
        Assert.Equal(30, (await ScanAllAsync(store, "tenant-c")).Values.Sum(d => d.Events.Length));
        Assert.Null(await store.ReadAsync("tenant-z", StreamEvents.ContactId(0)));
    }

    [Fact]
    public async Task Partitions_cover_every_contact_exactly_once()
    {
        var store = await CreateStoreAsync();
        var folder = Folder(store);
        var events = Enumerable.Range(0, 150).Select(i =>
            $$"""{"id":"e{{i}}","contactId":"{{StreamEvents.ContactId(i)}}","kind":"email","name":"open","at":"2026-10-01T00:00:00Z"}""");
        await folder.HandleAsync(StreamEvents.Messages("t1", events));
        await folder.HandleAsync(StreamEvents.Messages("t2", events.Take(10)));

        var partitions = await store.ListPartitionsAsync("t1");
        var perPartition = new List<int>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var partition in partitions)
        {
            var count = 0;
            await foreach (var document in store.ScanAsync("t1", partition))
            {
                Assert.True(seen.Add(document.Id), $"contact {document.Id} is in two partitions");
                count++;
            }
            perPartition.Add(count);
        }

        Assert.Equal(150, seen.Count);
        Assert.True(perPartition.Count(c => c > 0) > 1, $"one partition holds everything: [{string.Join(", ", perPartition)}]");
    }

    [Fact]
    public async Task A_folded_document_reads_back_exactly()
    {
        var store = await CreateStoreAsync();
        var events = StreamEvents.Generate(seed: 7, count: 40, contacts: 1)
            .Select(e => Engine.Input.InputReader.ReadEvent(System.Text.Json.JsonDocument.Parse(e).RootElement).Event!).ToList();
        var document = new ContactFolder(new FoldOptions())
            .Fold(new ContactDocument(StreamEvents.ContactId(0)) { Email = "a@example.com" }, events).Document;

        await store.WriteAsync("t1", document, ifMatch: null);

        Assert.Equal(Json(document), Json((await store.ReadAsync("t1", document.Id))!.Document));
        Assert.Equal(Json(document), Json(Assert.Single(await ScanAllAsync(store, "t1")).Value));
    }

    [Fact]
    public async Task Every_property_of_a_folded_document_survives_the_store()
    {
        var store = await CreateStoreAsync();
        var profile = new ContactProfile
        {
            Id = "c1",
            Email = "a@example.com",
            FirstName = "Ada",
            LastName = "Lovelace",
            CreatedAt = new DateTimeOffset(2024, 3, 1, 9, 30, 0, TimeSpan.Zero),
            Fields = PropertyBag.From([new("plan", ScalarValue.OfText("pro")), new("mrr", ScalarValue.OfNumber(42.5)),
                new("vip", ScalarValue.OfBoolean(true)), new("trial_ends", ScalarValue.OfText("2026-12-01"))]),
            Lists = new Dictionary<string, string> { ["news"] = "subscribed", ["promo"] = "unsubscribed" },
        };
        // The first open is more than 400 days behind the newest event, so it is compacted into a total.
        string[] events =
        [
            """{"id":"e1","contactId":"c1","kind":"email","name":"open","at":"2025-01-01T00:00:00Z","campaignId":"cmp-1"}""",
            """{"id":"e2","contactId":"c1","kind":"email","name":"click","at":"2026-10-01T10:00:00Z","campaignId":"cmp-2","device":{"client":"Gmail","type":"mobile"}}""",
            """{"id":"e3","contactId":"c1","kind":"conversion","name":"purchase","at":"2026-10-02T10:00:00Z","value":99.5,"currency":"EUR","geo":{"country":"DE"}}""",
            """{"id":"e4","contactId":"c1","kind":"email","name":"unsubscribe","at":"2026-10-03T10:00:00Z","properties":{"listId":"news"}}""",
            """{"id":"e5","contactId":"c1","kind":"email","name":"complaint","at":"2026-10-04T10:00:00Z"}""",
            """{"id":"e6","contactId":"c1","kind":"pixel","name":"page_view","at":"2026-10-05T10:00:00Z","properties":{"path":"/pricing","n":3}}""",
        ];

        // Written as contacts are: a profile upsert, then the stream fold; read back by id and by scan.
        await ContactProfiles.UpsertAsync(store, "t1", profile);
        await Folder(store).HandleAsync(StreamEvents.Messages("t1", events));
        var expected = new ContactFolder(new FoldOptions()).Fold(new ContactDocument("c1").WithProfile(profile),
            [.. events.Select(e => Engine.Input.InputReader.ReadEvent(System.Text.Json.JsonDocument.Parse(e).RootElement).Event!)]).Document;

        DocumentAssert.SetsEveryProperty(expected);
        DocumentAssert.Equal(expected, (await store.ReadAsync("t1", "c1"))!.Document);
        DocumentAssert.Equal(expected, Assert.Single(await ScanAllAsync(store, "t1")).Value);
    }

    [Fact]
    public async Task A_write_against_a_stale_version_or_over_an_existing_contact_is_a_conflict()
    {
        var store = await CreateStoreAsync();
        var first = await store.WriteAsync("t1", new ContactDocument("c1") { Email = "a@example.com" }, ifMatch: null);
        var second = await store.WriteAsync("t1", new ContactDocument("c1") { Email = "b@example.com" }, ifMatch: first);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.WriteAsync("t1", new ContactDocument("c1"), ifMatch: first));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.WriteAsync("t1", new ContactDocument("c1"), ifMatch: null));
        var read = await store.ReadAsync("t1", "c1");
        Assert.Equal(("b@example.com", second), (read!.Document.Email, read.ETag));
        Assert.Null(await store.ReadAsync("t1", "c2"));
        Assert.Null(await store.ReadAsync("t2", "c1"));
    }

    [Fact]
    public async Task A_batch_read_gives_the_tenant_s_existing_contacts_with_the_versions_a_write_compares()
    {
        var store = await CreateStoreAsync();
        // More contacts than a store may read in one statement, and an id a store may have to encode.
        var ids = Enumerable.Range(0, 300).Select(i => $"c{i}").Concat(["a/b?c#d", "q\"uote\\d", "é→ü"]).ToList();
        foreach (var id in ids)
        {
            await store.WriteAsync("t1", new ContactDocument(id) { Email = $"{id}@example.com" }, ifMatch: null);
        }
        var rewritten = await store.WriteAsync("t1", new ContactDocument("c7") { Email = "new@example.com" }, (await store.ReadAsync("t1", "c7"))!.ETag);
        await store.WriteAsync("t2", new ContactDocument("c1") { Email = "other@example.com" }, ifMatch: null);

        var read = await store.ReadManyAsync("t1", [.. ids, "missing", "c1", "c7"]);

        Assert.Equal(ids.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
        foreach (var id in ids)
        {
            var single = (await store.ReadAsync("t1", id))!;
            Assert.Equal((single.ETag, Json(single.Document)), (read[id].ETag, Json(read[id].Document)));
        }
        Assert.Equal(("new@example.com", rewritten), (read["c7"].Document.Email, read["c7"].ETag));
        Assert.Equal("other@example.com", Assert.Single(await store.ReadManyAsync("t2", ["c1", "c2"])).Value.Document.Email);
        Assert.Empty(await store.ReadManyAsync("t3", ids));
        Assert.Empty(await store.ReadManyAsync("t1", []));
        // The version read is the one a conditional write compares: it wins once, then is stale.
        await store.WriteAsync("t1", new ContactDocument("c3"), read["c3"].ETag);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.WriteAsync("t1", new ContactDocument("c3"), read["c3"].ETag));
    }

    [Fact]
    public async Task A_crash_between_write_and_checkpoint_replays_to_the_same_documents()
    {
        var store = await CreateStoreAsync();
        var events = StreamEvents.Generate(seed: 4, count: 300, contacts: 8);
        var letters = new InMemoryDeadLetterStore();
        var folder = Folder(store, letters);
        var poisoned = events.Select((e, i) => i % 50 == 7 ? "{not json" : e).ToList();

        // The clean run, and a run that dies after folding each third batch but before its checkpoint, then
        // restarts from the last checkpoint and replays that batch.
        foreach (var batch in StreamEvents.Messages("clean", poisoned).Chunk(40))
        {
            await folder.HandleAsync(batch);
        }
        var source = new CrashingSource(StreamEvents.Messages("crashed", poisoned), batchSize: 40, crashEvery: 3);
        await source.RunToEndAsync(folder);

        Assert.True(source.Crashes > 0);
        var clean = await ScanAllAsync(store, "clean");
        var crashed = await ScanAllAsync(store, "crashed");
        Assert.Equal(clean.Keys.Order(), crashed.Keys.Order());
        foreach (var (id, document) in clean)
        {
            Assert.Equal(Json(document), Json(crashed[id]));
        }
        Assert.Equal(6, (await letters.PageAsync("crashed", null, 1000)).Letters.Count);
    }
}
