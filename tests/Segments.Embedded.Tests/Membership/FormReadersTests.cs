using System.Runtime.CompilerServices;
using System.Text.Json;
using Segments.Core.Catalog;
using Segments.Core.Contacts;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Embedded.Contacts;
using Segments.Engine.Documents;
using Segments.Engine.Language;
using Segments.Engine.Offline;
using Segments.Engine.PushDown;
using Segments.TestSupport.Stores;

namespace Segments.Embedded.Tests.Membership;

/// <summary>
/// A drip's baseline and the daily report over the SQLite store, with the partitions' scan forms warm: they read no
/// document, and record and count what they do on the documents.
/// </summary>
public sealed class FormReadersTests : IDisposable
{
    private const string Tenant = "t1";
    private static readonly string Seed = Path.Combine(AppContext.BaseDirectory, "data", "seed-audiences");
    private static readonly DateTimeOffset AsOf = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("segments-form-readers-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_baseline_and_the_daily_report_on_warm_forms_read_no_document_and_answer_as_on_the_documents()
    {
        var store = new CountingStore(new SqliteContactStore(await SqliteDatabase.OpenAsync(Path.Combine(_folder, "contacts.db"), partitions: 2)));
        foreach (var contact in DataSet.Load(Seed).Contacts)
        {
            await store.WriteAsync(Tenant, contact, null);
        }
        var catalogStore = new InMemoryCatalogStore();
        var catalog = new SegmentCatalog(catalogStore);
        using (var segments = JsonDocument.Parse(File.ReadAllText(Path.Combine(Seed, "segments.json"))))
        {
            // Windowed engagement: members and time edges both.
            foreach (var definition in segments.RootElement.EnumerateArray().Where(d => d.GetProperty("id").GetString() is "engaged-30" or "never-opened"))
            {
                Assert.True((await catalog.SaveSegmentAsync(Tenant, definition, null)).Succeeded);
            }
        }
        Assert.True((await catalog.SetUserAsync(Tenant, new CatalogUser(CatalogUserKind.Drip, "d1"), [new SegmentReference("engaged-30", "$.segment")],
            baseline: "b1")).Succeeded);
        var forms = new PartitionForms(store);
        var partitions = await store.ListPartitionsAsync(Tenant);
        foreach (var partition in partitions)
        {
            await forms.GetAsync(Tenant, partition);
        }
        Assert.Equal(partitions.Count, store.Scans);

        async Task<(List<MembershipEvaluation> Evaluations, long Evaluated, int Scans)> BaselineAsync(PartitionForms? read)
        {
            var recorded = new RecordingMembershipStore();
            var tracker = new MembershipTracker(new TrackedSegments(catalogStore), recorded, new ChangeDispatcher(recorded, new InMemoryConsumerStore()),
                store, new FixedTime(AsOf), read);
            var (scans, evaluated) = (store.Scans, 0L);
            foreach (var partition in partitions)
            {
                evaluated += await tracker.BaselinePartitionAsync(Tenant, "engaged-30", partition, CancellationToken.None);
            }
            return ([.. recorded.Evaluations.OrderBy(e => e.ContactId, StringComparer.Ordinal)], evaluated, store.Scans - scans);
        }
        var onDocuments = await BaselineAsync(null);
        var onForms = await BaselineAsync(forms);
        Assert.Equal(partitions.Count, onDocuments.Scans);
        Assert.Equal(0, onForms.Scans);
        Assert.Equal(onDocuments.Evaluated, onForms.Evaluated);
        Assert.Equal(onDocuments.Evaluations, onForms.Evaluations);
        Assert.Contains(onForms.Evaluations, e => e.Member && e.Next is not null);
        Assert.Contains(onForms.Evaluations, e => !e.Member);

        var scansBefore = store.Scans;
        var reported = await new DailyReport(catalogStore, store, new InMemoryReportStore(), forms).TakeAsync(Tenant, AsOf);
        Assert.Equal(scansBefore, store.Scans);
        Assert.Equal(await new DailyReport(catalogStore, store, new InMemoryReportStore()).TakeAsync(Tenant, AsOf), reported);
        Assert.Contains(reported, c => c.Segment == "engaged-30" && c.By == Slicing.Total && c.Count > 0);
        Assert.Contains(reported, c => c.By == Slicing.Country && c.Slice != MembershipCounter.Unknown && c.Count > 0);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>The evaluations a baseline records, kept in memory.</summary>
    private sealed class RecordingMembershipStore : IMembershipStore
    {
        private readonly InMemoryMembershipStore _inner = new();

        public List<MembershipEvaluation> Evaluations { get; } = [];

        public Task<MembershipRecording> RecordAsync(string tenant, MembershipEvaluation evaluation, CancellationToken cancellationToken = default)
        {
            Evaluations.Add(evaluation);
            return _inner.RecordAsync(tenant, evaluation, cancellationToken);
        }

        public Task SetNextAsync(string tenant, string segment, string contactId, DateTimeOffset? next, CancellationToken cancellationToken = default) =>
            _inner.SetNextAsync(tenant, segment, contactId, next, cancellationToken);

        public Task<IReadOnlyList<DueCheck>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default) =>
            _inner.DueAsync(now, max, cancellationToken);

        public Task<IReadOnlyList<MembershipChange>> ChangesAsync(string tenant, string segment, long after, int max,
            CancellationToken cancellationToken = default) => _inner.ChangesAsync(tenant, segment, after, max, cancellationToken);

        public Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default) =>
            _inner.EraseContactAsync(tenant, contactId, cancellationToken);

        public Task<long> LastSequenceAsync(string tenant, string segment, CancellationToken cancellationToken = default) =>
            _inner.LastSequenceAsync(tenant, segment, cancellationToken);
    }

    /// <summary>The SQLite store, telling what changed as it does, counting the partition scans (document reads) asked of it.</summary>
    private sealed class CountingStore(SqliteContactStore inner) : IContactStore, IPartitionChanges
    {
        private int _scans;

        public int Scans => _scans;

        public async IAsyncEnumerable<ContactDocument> ScanAsync(string tenant, string partition, PushDownCondition? pushDown = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _scans);
            await foreach (var contact in inner.ScanAsync(tenant, partition, pushDown, cancellationToken))
            {
                yield return contact;
            }
        }

        public Task<StoredContact?> ReadAsync(string tenant, string contactId, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(tenant, contactId, cancellationToken);

        public Task<IReadOnlyDictionary<string, StoredContact>> ReadManyAsync(string tenant, IReadOnlyCollection<string> contactIds,
            CancellationToken cancellationToken = default) => inner.ReadManyAsync(tenant, contactIds, cancellationToken);

        public Task<string> WriteAsync(string tenant, ContactDocument document, string? ifMatch, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(tenant, document, ifMatch, cancellationToken);

        public Task<IReadOnlyList<string>> ListPartitionsAsync(string tenant, CancellationToken cancellationToken = default) =>
            inner.ListPartitionsAsync(tenant, cancellationToken);

        public IAsyncEnumerable<ContactDocument> ScanSampleAsync(string tenant, CancellationToken cancellationToken = default) =>
            inner.ScanSampleAsync(tenant, cancellationToken);

        public Task<bool> DeleteAsync(string tenant, string contactId, CancellationToken cancellationToken = default) =>
            inner.DeleteAsync(tenant, contactId, cancellationToken);

        public Task<long> VersionAsync(string tenant, string partition, CancellationToken cancellationToken = default) =>
            inner.VersionAsync(tenant, partition, cancellationToken);

        public IAsyncEnumerable<ContactChange> ChangedSinceAsync(string tenant, string partition, long version,
            CancellationToken cancellationToken = default) => inner.ChangedSinceAsync(tenant, partition, version, cancellationToken);
    }
}
