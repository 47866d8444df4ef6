using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Segments.Core.Ports;
using Segments.Engine.Documents;
using Segments.Engine.Input;
using Segments.Engine.Model;

namespace Segments.Core.Streaming;

/// <summary>
/// Folds a batch of stream deliveries into contact documents, host-agnostic (Event Hubs, the in-process channel,
/// tests). Deliveries are parsed and grouped by contact; each contact costs one read and one write per batch,
/// the write conditional on the version read, and the read-fold-write is retried when another writer won the
/// race. Poison deliveries (no tenant, not JSON, not an event, over a limit) and events the fold refuses go to
/// the dead-letter store with the reason. When the returned task completes, every document and dead letter of the
/// batch is durable, and the source may checkpoint. An optional <see cref="IContactWritten"/> hears of each
/// contact's durable document, with the parts the fold changed, before the batch completes.
/// </summary>
public sealed class StreamFolder(
    IContactStore contacts, IDeadLetterStore deadLetters, ContactFolder folder, TimeProvider time, StreamFoldOptions? options = null,
    IContactWritten? written = null)
    : IStreamBatchHandler
{
    private readonly StreamFoldOptions _options = options ?? new StreamFoldOptions();

    public const string DeadLetterSource = "stream";

    public async Task<StreamFoldResult> HandleAsync(IReadOnlyList<StreamMessage> batch, CancellationToken cancellationToken = default)
    {
        var letters = new ConcurrentBag<DeadLetter>();
        var parsed = new List<(string Tenant, ContactEvent Event, StreamMessage Message)>(batch.Count);
        foreach (var message in batch)
        {
            if (Parse(message, out var e) is { } reason)
            {
                letters.Add(Letter(message, reason));
            }
            else
            {
                parsed.Add((message.Tenant!, e!, message));
            }
        }

        var groups = parsed.GroupBy(p => (p.Tenant, p.Event.ContactId)).ToList();
        int added = 0, duplicates = 0, written = 0, conflicts = 0;
        await Parallel.ForEachAsync(groups,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentContacts, CancellationToken = cancellationToken },
            async (group, ct) =>
            {
                var (outcome, wrote, lost) = await FoldContactAsync(group.Key.Tenant, group.Key.ContactId, [.. group.Select(g => g.Event)], ct);
                Interlocked.Add(ref added, outcome.Added);
                Interlocked.Add(ref duplicates, outcome.Duplicates);
                Interlocked.Add(ref written, wrote ? 1 : 0);
                Interlocked.Add(ref conflicts, lost);
                foreach (var (refused, reason) in outcome.Refused)
                {
                    letters.Add(Letter(group.First(g => ReferenceEquals(g.Event, refused)).Message, reason));
                }
            });

        foreach (var letter in letters)
        {
            await deadLetters.AddAsync(letter, cancellationToken);
        }
        return new StreamFoldResult(batch.Count, added, duplicates, letters.Count, written, conflicts);
    }

    private async Task<(FoldOutcome Outcome, bool Written, int Conflicts)> FoldContactAsync(
        string tenant, string contactId, IReadOnlyList<ContactEvent> events, CancellationToken cancellationToken)
    {
        for (var conflicts = 0; ; conflicts++)
        {
            var stored = await contacts.ReadAsync(tenant, contactId, cancellationToken);
            var outcome = folder.Fold(stored?.Document ?? new ContactDocument(contactId), events);
            var document = outcome.Document;
            if (!outcome.Changed)
            {
                if (stored is not null && written is not null)
                {
                    // A replayed batch: the observer may have failed after the write last time, so it hears again, and
                    // since what that write changed is not known (it may have compacted other events), of every part.
                    await written.OnWrittenAsync(tenant, stored.Document, ContactParts.All, Replaced.Unknown, cancellationToken);
                }
                return (outcome, false, conflicts);
            }
            try
            {
                await contacts.WriteAsync(tenant, document, stored?.ETag, cancellationToken);
            }
            catch (ConcurrencyConflictException)
            {
                // Another writer folded this contact since the read: read its version and fold again.
                continue;
            }
            if (written is not null)
            {
                // A new contact is new to every segment, "not …" ones included. A batch that repeats events may come
                // again after the observer failed on the write that added them, and what that write changed is not known.
                var changed = stored is null || outcome.Duplicates > 0 ? ContactParts.All : outcome.Touched;
                await written.OnWrittenAsync(tenant, document, changed, Replaced.Of(stored?.Document), cancellationToken);
            }
            return (outcome, true, conflicts);
        }
    }

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
    Task OnWrittenAsync(string tenant, ContactDocument document, ContactParts changed, Replaced replaced, CancellationToken cancellationToken);
}

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
