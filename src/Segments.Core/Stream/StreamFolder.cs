using System.Text;
using System.Text.Json;
using Segments.Core.Ports;
using Segments.Engine.Documents;
using Segments.Engine.Input;
using Segments.Engine.Model;

namespace Segments.Core.Streaming;

/// <summary>
/// Folds a batch of stream deliveries into contact documents, host-agnostic (Event Hubs, the event log of
/// <c>segments serve</c>, tests). Deliveries are parsed and grouped by contact; the batch's contacts are read together
/// (<see cref="IContactStore.ReadManyAsync"/>), folded, and written together (a store that commits in groups commits
/// them in one transaction), each write conditional on the version read. The contacts whose write lost a race to
/// another writer are read, folded and written again, together. Poison deliveries (no tenant, not JSON, not an event,
/// over a limit) and events the fold refuses go to the dead-letter store with the reason, each alone. When the
/// returned task completes, every document and dead letter of the batch is durable, and the source may checkpoint. An
/// optional <see cref="IContactWritten"/> hears of the batch's writes before they are made, and of each contact's
/// durable document, with the parts the fold changed, before the batch completes.
/// </summary>
public sealed class StreamFolder(
    IContactStore contacts, IDeadLetterStore deadLetters, ContactFolder folder, TimeProvider time, StreamFoldOptions? options = null,
    IContactWritten? written = null)
    : IStreamBatchHandler
{
    private readonly StreamFoldOptions _options = options ?? new StreamFoldOptions();

    public const string DeadLetterSource = "stream";

    /// <summary>One contact of the batch: its events, with the deliveries they came in (for dead letters).</summary>
    private sealed record Contact(string Tenant, string Id, List<(ContactEvent Event, StreamMessage Message)> Events);

    /// <summary>A contact folded against the version read: written (or not changed), or lost to another writer.</summary>
    private sealed record Folded(Contact Contact, FoldOutcome Outcome, bool Conflict);

    public async Task<StreamFoldResult> HandleAsync(IReadOnlyList<StreamMessage> batch, CancellationToken cancellationToken = default)
    {
        var letters = new List<DeadLetter>();
        var byContact = new Dictionary<(string Tenant, string Id), Contact>();
        foreach (var message in batch)
        {
            if (Parse(message, out var e) is { } reason)
            {
                letters.Add(Letter(message, reason));
                continue;
            }
            if (!byContact.TryGetValue((message.Tenant!, e!.ContactId), out var contact))
            {
                byContact[(message.Tenant!, e.ContactId)] = contact = new Contact(message.Tenant!, e.ContactId, []);
            }
            contact.Events.Add((e, message));
        }

        int added = 0, duplicates = 0, written = 0, conflicts = 0;
        for (var pending = byContact.Values.ToList(); pending.Count > 0; conflicts += pending.Count)
        {
            var folded = await FoldAsync(pending, cancellationToken);
            pending = [];
            foreach (var (contact, outcome, conflict) in folded)
            {
                if (conflict)
                {
                    // Another writer folded this contact since the read: read its version and fold again.
                    pending.Add(contact);
                    continue;
                }
                added += outcome.Added;
                duplicates += outcome.Duplicates;
                written += outcome.Changed ? 1 : 0;
                foreach (var (refused, reason) in outcome.Refused)
                {
                    letters.Add(Letter(contact.Events.First(g => ReferenceEquals(g.Event, refused)).Message, reason));
                }
            }
        }

        foreach (var letter in letters)
        {
            await deadLetters.AddAsync(letter, cancellationToken);
        }
        return new StreamFoldResult(batch.Count, added, duplicates, letters.Count, written, conflicts);
    }

    /// <summary>
    /// Reads the contacts (one call per tenant), folds them one after another (the fold is CPU alone, and one thread of it
    /// leaves the others to the requests that feed it) and writes the changed ones at once; each written document is then
    /// told to the observer, those written before a failure too.
    /// </summary>
    private async Task<List<Folded>> FoldAsync(List<Contact> pending, CancellationToken cancellationToken)
    {
        var folds = new List<(Contact Contact, StoredContact? Stored, FoldOutcome Outcome)>(pending.Count);
        foreach (var tenant in pending.GroupBy(c => c.Tenant))
        {
            var stored = await contacts.ReadManyAsync(tenant.Key, [.. tenant.Select(c => c.Id)], cancellationToken);
            foreach (var contact in tenant)
            {
                var before = stored.GetValueOrDefault(contact.Id);
                folds.Add((contact, before, folder.Fold(before?.Document ?? new ContactDocument(contact.Id), [.. contact.Events.Select(e => e.Event)])));
            }
        }
        if (written is not null)
        {
            foreach (var tenant in folds.Where(f => f.Outcome.Changed).GroupBy(f => f.Contact.Tenant))
            {
                await written.OnWritingAsync(tenant.Key,
                    [.. tenant.Select(f => new PendingWrite(f.Contact.Id, Changed(f.Stored, f.Outcome), f.Stored?.Document))], cancellationToken);
            }
        }
        var writes = folds.Select(f => f.Outcome.Changed ? WriteAsync(f.Contact.Tenant, f.Outcome.Document, f.Stored?.ETag, cancellationToken) : Unchanged)
            .ToList();
        await ((Task)Task.WhenAll(writes)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var results = new List<Folded>(folds.Count);
        for (var i = 0; i < folds.Count; i++)
        {
            if (writes[i].IsCompletedSuccessfully)
            {
                var (contact, stored, outcome) = folds[i];
                var conflict = !writes[i].Result;
                if (!conflict)
                {
                    await NotifyAsync(contact.Tenant, stored, outcome, cancellationToken);
                }
                results.Add(new Folded(contact, outcome, conflict));
            }
        }
        // A write that failed fails the batch, which the source delivers again; the documents written are told already.
        await Task.WhenAll(writes);
        return results;
    }

    private static readonly Task<bool> Unchanged = Task.FromResult(true);

    /// <summary>False when the write lost a race (the stored version is no longer the one read).</summary>
    private async Task<bool> WriteAsync(string tenant, ContactDocument document, string? ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            await contacts.WriteAsync(tenant, document, ifMatch, cancellationToken);
            return true;
        }
        catch (ConcurrencyConflictException)
        {
            return false;
        }
    }

    private async Task NotifyAsync(string tenant, StoredContact? stored, FoldOutcome outcome, CancellationToken cancellationToken)
    {
        if (written is null)
        {
            return;
        }
        if (!outcome.Changed)
        {
            if (stored is not null)
            {
                // A replayed batch: the observer may have failed after the write last time, so it hears again, and
                // since what that write changed is not known (it may have compacted other events), of every part.
                await written.OnWrittenAsync(tenant, [new WrittenContact(stored.Document, ContactParts.All, Replaced.Unknown)], cancellationToken);
            }
            return;
        }
        // Repeated events may be those of a write whose observer failed (or a crash cut off) last time: the stored document
        // is then not what the contact was before them.
        var replaced = stored is not null && outcome.Duplicates > 0 ? Replaced.Unknown : Replaced.Of(stored?.Document);
        await written.OnWrittenAsync(tenant, [new WrittenContact(outcome.Document, Changed(stored, outcome), replaced)], cancellationToken);
    }

    /// <summary>
    /// The parts a fold's write changes: every part of a new contact, which is new to every segment ("not …" ones included),
    /// and of a batch that repeats events: it may come again after the observer failed on the write that added them, and
    /// what that write changed is not known.
    /// </summary>
    private static ContactParts Changed(StoredContact? stored, FoldOutcome outcome) =>
        stored is null || outcome.Duplicates > 0 ? ContactParts.All : outcome.Touched;

    /// <summary>Null when the delivery is a well-formed event within the limits, else why it is poison.</summary>
    private string? Parse(StreamMessage message, out ContactEvent? e)
    {
        e = null;
        if (string.IsNullOrEmpty(message.Tenant))
        {
            return "the delivery carries no tenant";
        }
        if (message.Tenant.Length > _options.MaxIdLength)
        {
            return $"the tenant id is longer than {_options.MaxIdLength} characters";
        }
        if (message.Body.Length > _options.MaxEventBytes)
        {
            return $"the event is {message.Body.Length} bytes, more than the limit of {_options.MaxEventBytes}";
        }
        try
        {
            using var json = JsonDocument.Parse(message.Body);
            var (read, errors) = InputReader.ReadEvent(json.RootElement);
            if (read is null)
            {
                return "not a valid event: " + string.Join("; ", errors.Select(error => $"{error.Path}: {error.Message}"));
            }
            if (read.Id.Length > _options.MaxIdLength || read.ContactId.Length > _options.MaxIdLength)
            {
                return $"an event or contact id is longer than {_options.MaxIdLength} characters";
            }
            e = read;
            return null;
        }
        catch (JsonException error)
        {
            return $"not valid JSON: {error.Message}";
        }
    }

    private DeadLetter Letter(StreamMessage message, string reason) =>
        new(message.Tenant ?? "", $"{DeadLetterSource}:{message.Position}", reason, Encoding.UTF8.GetString(message.Body.Span), time.GetUtcNow());
}

/// <summary>
/// Hears of a contact's document once it is durable, with the parts of it the write changed (<see cref="ContactParts.All"/>
/// when not known), before the batch completes: a failure fails the batch, and the source delivers it again, so the
/// observer is called again for the same document and must be idempotent. Profile upserts call it too. It is told what
/// the write replaced, when known: membership tracking needs it to record a contact's first change while a baseline runs.
/// </summary>
public interface IContactWritten
{
    /// <summary>
    /// Hears of writes about to be made, each with the parts it changes and the document it replaces, before any of them
    /// is: what the observer must still know of a contact's state before its write when the write comes again after a
    /// crash (as a replay, the previous document gone: <see cref="Replaced.Unknown"/>) it makes durable here.
    /// </summary>
    Task OnWritingAsync(string tenant, IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken);

    /// <summary>Hears of durable documents, one or several written together (an import's page).</summary>
    Task OnWrittenAsync(string tenant, IReadOnlyList<WrittenContact> writes, CancellationToken cancellationToken);
}

/// <summary>A contact's durable document, with the parts its write changed and what it replaced.</summary>
public sealed record WrittenContact(ContactDocument Document, ContactParts Changed, Replaced Replaced);

/// <summary>A contact's write about to be made: the parts it changes and the document it replaces (null: a new contact).</summary>
public sealed record PendingWrite(string ContactId, ContactParts Changed, ContactDocument? Before);

/// <summary>
/// What a write replaced: no document (<see cref="Known"/>, <see cref="Document"/> null: a new contact, a member of no
/// segment before), the previous document, or nothing known (<see cref="Unknown"/>: a write repeated after a failure,
/// whose previous document is gone).
/// </summary>
public readonly record struct Replaced(bool Known, ContactDocument? Document)
{
    public static readonly Replaced Unknown = new(false, null);

    /// <summary>The previous document; null for a new contact.</summary>
    public static Replaced Of(ContactDocument? document) => new(true, document);
}
