using CsCheck;
using Segments.Core.Audience;
using Segments.Core.Contacts;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Embedded.Contacts;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Offline;
using Segments.Engine.Scan;
using Segments.TestSupport.Reference;
using Segments.TestSupport.Stores;

namespace Segments.Embedded.Tests.Contacts;

/// <summary>
/// A partition's scan form is derived state kept beside the SQLite store: a send resolved on it (and on the documents of
/// the contacts changed since it was built) has the audience of a send resolved on the documents, before and after the
/// store changes.
/// </summary>
public sealed class PartitionFormsTests : IDisposable
{
    private const string Tenant = "t1";

    private readonly string _folder = Directory.CreateTempSubdirectory("segments-forms-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_store_tells_the_writes_and_deletes_of_a_partition_since_a_version()
    {
        var store = new SqliteContactStore(await SqliteDatabase.OpenAsync(Path.Combine(_folder, "changes.db"), partitions: 1));
        var empty = await store.VersionAsync(Tenant, "0");
        await store.WriteAsync(Tenant, new ContactDocument("a") { Email = "a@example.com" }, null);
        var etag = await store.WriteAsync(Tenant, new ContactDocument("b"), null);
        var written = await store.VersionAsync(Tenant, "0");
        await store.WriteAsync(Tenant, new ContactDocument("b") { Email = "b@example.com" }, etag);
        Assert.True(await store.DeleteAsync(Tenant, "a"));
        Assert.False(await store.DeleteAsync(Tenant, "nobody"));
        await store.WriteAsync("t2", new ContactDocument("c"), null); // another tenant's write is not this partition's change

        Assert.True(written > empty);
        var since = await ToListAsync(store.ChangedSinceAsync(Tenant, "0", written));
        Assert.Equal([("a", null), ("b", "b@example.com")], since.Select(c => (c.ContactId, c.Document?.Email)).OrderBy(c => c.ContactId));
        Assert.Equal(["a", "b"], (await ToListAsync(store.ChangedSinceAsync(Tenant, "0", empty))).Select(c => c.ContactId).Order());
        var now = await store.VersionAsync(Tenant, "0");
        Assert.True(now > written);
        Assert.Empty(await ToListAsync(store.ChangedSinceAsync(Tenant, "0", now)));
    }

    [Fact]
    public async Task On_random_data_sends_reports_and_baseline_edges_on_the_forms_are_those_on_the_documents_before_and_after_writes()
    {
        var seeds = 0;
        await Gen.Int[1, 1_000_000].SampleAsync(async seed =>
        {
            var raw = RandomDataSet.Generate(seed, contacts: 90, definitions: 24);
            var data = RandomDataSets.Load(raw);
            var store = new SqliteContactStore(await SqliteDatabase.OpenAsync(Path.Combine(_folder, $"random-{seed}-{seeds++}.db"), partitions: 2));
            foreach (var contact in data.Contacts)
            {
                await store.WriteAsync(Tenant, contact, null);
            }
            var forms = new PartitionForms(store);
            await AssertSameAudiencesAsync(store, forms, data, raw.AsOf, seed);
            await AssertSameReportAndEdgesAsync(store, forms, data, raw.AsOf, seed);

            // A few writes (a contact given another's activity and profile, a new contact) and deletes: kept beside the form.
            var random = new Random(seed);
            var contacts = data.Contacts.ToList();
            for (var i = 0; i < 6; i++)
            {
                var target = contacts[random.Next(contacts.Count)];
                var stored = await store.ReadAsync(Tenant, target.Id);
                await store.WriteAsync(Tenant, contacts[random.Next(contacts.Count)] with { Id = target.Id }, stored!.ETag);
            }
            await store.WriteAsync(Tenant, contacts[random.Next(contacts.Count)] with { Id = "new-contact" }, null);
            await store.DeleteAsync(Tenant, contacts[random.Next(contacts.Count)].Id);
            await AssertSameAudiencesAsync(store, forms, data, raw.AsOf, seed);
            await AssertSameReportAndEdgesAsync(store, forms, data, raw.AsOf, seed);

            // Every contact rewritten: more changes than a form keeps beside it, so the form is built again.
            foreach (var (target, source) in contacts.Zip(contacts.Skip(1).Append(contacts[0])))
            {
                if (await store.ReadAsync(Tenant, target.Id) is { } stored)
                {
                    await store.WriteAsync(Tenant, source with { Id = target.Id }, stored.ETag);
                }
            }
            await AssertSameAudiencesAsync(store, forms, data, raw.AsOf, seed);
            await AssertSameReportAndEdgesAsync(store, forms, data, raw.AsOf, seed);
        }, iter: 4);
    }

    [Fact]
    public async Task A_contact_written_after_the_form_was_built_is_decided_on_its_new_document()
    {
        var raw = RandomDataSet.Generate(seed: 20, contacts: 60, definitions: 30);
        var data = RandomDataSets.Load(raw);
        var store = new SqliteContactStore(await SqliteDatabase.OpenAsync(Path.Combine(_folder, "stale.db"), partitions: 1));
        foreach (var document in data.Contacts)
        {
            await store.WriteAsync(Tenant, document, null);
        }
        var segments = new SegmentSet(data.Definitions);
        var t = new AsOf(raw.AsOf);
        // A recipient of a segment, and a document that takes it out of the segment.
        var (contact, replacement, segment) = (
            from c in data.Contacts
            from r in data.Contacts
            from s in segments.All
            where s.Matches(c, t) && AudiencePolicy.Decide(c, [], null, t).Outcome == SendOutcome.Included && !s.Matches(r, t)
            select (c, r, s.Definition.Id)).First();
        var forms = new PartitionForms(store);
        var before = await forms.GetAsync(Tenant, "0");
        Assert.Contains(contact.Id, await MembersAsync(store, forms, segments, segment, t));

        var stored = await store.ReadAsync(Tenant, contact.Id);
        await store.WriteAsync(Tenant, replacement with { Id = contact.Id }, stored!.ETag);

        var after = await forms.GetAsync(Tenant, "0");
        Assert.Same(before!.Form, after!.Form); // not built again: the change is kept beside it
        Assert.True(after.Skips(after.Form.IndexOf(contact.Id)));
        Assert.DoesNotContain(contact.Id, await MembersAsync(store, forms, segments, segment, t));
    }

    private static async Task<IReadOnlyList<string>> MembersAsync(IContactStore store, PartitionForms forms, SegmentSet segments, string segment, AsOf t)
    {
        var result = await PartitionAudience.ResolveAsync(store, forms, Tenant, "0", segments, segment, SuppressionIndex.Empty, list: null, t.Instant);
        return [.. result.Part.Recipients.Select(r => r.ContactId)];
    }

    /// <summary>Every definition sent to no list and to one, with the data's suppressions and another definition excluded.</summary>
    private static async Task AssertSameAudiencesAsync(SqliteContactStore store, PartitionForms forms, DataSet data, DateTimeOffset asOf, int seed)
    {
        var suppressionStore = new InMemorySuppressionStore();
        await suppressionStore.AddAsync(Tenant, [.. data.Suppressions.SelectMany(s => s)]);
        var suppressions = await SuppressionIndex.LoadAsync(suppressionStore, Tenant, asOf);
        var segments = new SegmentSet(data.Definitions);
        var ids = data.Definitions.Select(d => d.Id).ToArray();
        foreach (var partition in await store.ListPartitionsAsync(Tenant))
        {
            for (var i = 0; i < ids.Length; i++)
            {
                foreach (var list in new[] { null, "newsletter" })
                {
                    IReadOnlyList<string>? exclude = i % 3 == 0 ? [ids[(i + 1) % ids.Length]] : null;
                    var onForms = await PartitionAudience.ResolveAsync(store, forms, Tenant, partition, segments, ids[i], suppressions, list, asOf, exclude);
                    var onDocuments = await PartitionAudience.ResolveAsync(store, null, Tenant, partition, segments, ids[i], suppressions, list, asOf, exclude);
                    var context = $"seed {seed}, partition {partition}, segment {ids[i]}, list {list}";
                    Assert.True(Describe(onDocuments) == Describe(onForms), $"{context}:\n{Describe(onDocuments)}\n{Describe(onForms)}");
                }
            }
        }
    }

    /// <summary>
    /// The daily report's counts, read as <see cref="DailyReport"/> reads the partitions, on the forms and on the documents;
    /// and every unchanged contact's next time edge for every definition (what a baseline records beside membership), on
    /// its form and on its document, at T and a month before.
    /// </summary>
    private static async Task AssertSameReportAndEdgesAsync(SqliteContactStore store, PartitionForms forms, DataSet data, DateTimeOffset asOf, int seed)
    {
        var segments = new SegmentSet(data.Definitions);
        async Task<string> ReportAsync(PartitionForms? read) => string.Join("\n", await DailyReport.CountAsync(store, read, Tenant, segments, asOf));
        Assert.Equal(await ReportAsync(null), await ReportAsync(forms));

        var definitions = data.Definitions.ToDictionary(d => d.Id, StringComparer.Ordinal);
        var edges = data.Definitions.Select(d => (d.Id, Edges: TimeEdges.Of(d, definitions))).ToList();
        foreach (var partition in await store.ListPartitionsAsync(Tenant))
        {
            var snapshot = (await forms.GetAsync(Tenant, partition))!;
            foreach (var c in snapshot.Live)
            {
                var document = (await store.ReadAsync(Tenant, snapshot.Form.Id(c)))!.Document;
                foreach (var at in new[] { asOf, asOf.AddDays(-30) })
                {
                    foreach (var (id, edge) in edges)
                    {
                        Assert.True(edge.Next(document, at) == edge.Next(snapshot.Form, c, at), $"seed {seed}, contact {document.Id}, segment {id}, at {at:O}");
                    }
                }
            }
        }
    }

    private static string Describe(PartitionResult result)
    {
        var tally = result.Part.Tally;
        return $"scanned {result.Scanned}, matched {tally.Matched}, excluded {tally.Excluded}, opted out {tally.OptedOut}, audience {tally.Audience}, " +
            $"suppressed {string.Join(",", tally.Suppressed.Select(s => $"{s.Key}={s.Value}"))}; " +
            string.Join(" ", result.Part.Recipients.Select(r => $"{r.ContactId}<{r.Email}>"));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }
        return list;
    }
}
