using System.Text.Json;
using Segments.Core.Contacts;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Documents;
using Segments.Engine.Input;
using Segments.Engine.Model;
using Segments.TestSupport.Stores;

namespace Segments.Core.Tests.Contacts;

public sealed class ContactProfilesTests
{
    private const string Tenant = "t1";

    private static ContactProfile Profile(string id, string email)
    {
        using var json = JsonDocument.Parse($$"""{"id":"{{id}}","email":"{{email}}"}""");
        return InputReader.ReadContact(json.RootElement.Clone()).Contact!;
    }

    [Fact]
    public async Task Profiles_written_together_are_read_in_one_call_and_one_that_lost_a_race_is_written_again_on_the_newer_document()
    {
        var store = new RacingStore(new InMemoryContactStore());
        await store.WriteAsync(Tenant, new ContactDocument("old") { Email = "before@example.com" }, ifMatch: null);
        var observer = new RecordingObserver();

        var outcomes = await ContactProfiles.UpsertManyAsync(store, Tenant,
            [Profile("new", "new@example.com"), Profile("old", "old@example.com"), Profile("raced", "raced@example.com")], observer);

        // The fold created "raced" first: the profile replaced it.
        Assert.Equal([true, false, false], outcomes.Select(o => o!.Value.Created));
        // The first round read the three at once, the second the one that lost its race.
        Assert.Equal([3, 1], store.ReadManys);
        var raced = (await store.ReadAsync(Tenant, "raced"))!.Document;
        Assert.Equal(("raced@example.com", 1), (raced.Email, raced.Suppressions.Length));
        Assert.Equal(["new", "old", "raced"], observer.Written.Order());
        Assert.Equal(["new", "old", "raced", "raced"], observer.Writing.Order());
    }

    [Fact]
    public async Task A_write_that_fails_fails_the_call_once_the_documents_written_before_it_are_told()
    {
        var store = new RacingStore(new InMemoryContactStore()) { Failing = "bad" };
        var observer = new RecordingObserver();

        await Assert.ThrowsAsync<IOException>(() => ContactProfiles.UpsertManyAsync(store, Tenant,
            [Profile("a", "a@example.com"), Profile("bad", "bad@example.com"), Profile("b", "b@example.com")], observer));

        Assert.Null(await store.ReadAsync(Tenant, "bad"));
        var written = (await store.ReadManyAsync(Tenant, ["a", "b"])).Keys;
        Assert.NotEmpty(written);
        Assert.Equal(written.Order(), observer.Written.Order());
    }

    [Fact]
    public async Task A_contact_may_be_upserted_once_a_call()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => ContactProfiles.UpsertManyAsync(new InMemoryContactStore(), Tenant,
            [Profile("a", "a@example.com"), Profile("a", "other@example.com")]));
    }

    /// <summary>
    /// Before the first write of <c>raced</c>, another writer (a fold) creates it with a suppression; a write of
    /// <see cref="Failing"/> throws once another write is made.
    /// </summary>
    private sealed class RacingStore(IContactStore inner) : DelegatingContactStore(inner)
    {
        private readonly TaskCompletionSource _made = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _raced;

        public string? Failing { get; init; }

        public List<int> ReadManys { get; } = [];

        public override Task<IReadOnlyDictionary<string, StoredContact>> ReadManyAsync(string tenant, IReadOnlyCollection<string> contactIds,
            CancellationToken cancellationToken = default)
        {
            lock (ReadManys)
            {
                ReadManys.Add(contactIds.Count);
            }
            return base.ReadManyAsync(tenant, contactIds, cancellationToken);
        }

        public override async Task<string> WriteAsync(string tenant, ContactDocument document, string? ifMatch, CancellationToken cancellationToken = default)
        {
            if (document.Id == Failing)
            {
                await _made.Task;
                throw new IOException("the store is unreachable");
            }
            if (document.Id == "raced" && Interlocked.Exchange(ref _raced, 1) == 0)
            {
                await base.WriteAsync(tenant, new ContactDocument("raced") { Suppressions = [new(SuppressionReason.HardBounce, 1)] }, ifMatch: null,
                    cancellationToken);
            }
            var version = await base.WriteAsync(tenant, document, ifMatch, cancellationToken);
            _made.TrySetResult();
            return version;
        }
    }

    private sealed class RecordingObserver : IContactWritten
    {
        public List<string> Writing { get; } = [];

        public List<string> Written { get; } = [];

        public Task OnWritingAsync(string tenant, IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken)
        {
            lock (Writing)
            {
                Writing.AddRange(writes.Select(w => w.ContactId));
            }
            return Task.CompletedTask;
        }

        public Task OnWrittenAsync(string tenant, IReadOnlyList<WrittenContact> writes, CancellationToken cancellationToken)
        {
            lock (Written)
            {
                Written.AddRange(writes.Select(w => w.Document.Id));
            }
            return Task.CompletedTask;
        }
    }
}
