using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Documents;
using Segments.Engine.Model;

namespace Segments.Core.Contacts;

/// <summary>
/// Upserts contacts' profiles into their documents, keeping the folded activity: read, set the profile, write on the
/// version read, and again on a newer version when the fold wrote the contact in between.
/// </summary>
public static class ContactProfiles
{
    public const int MaxAttempts = 8;

    /// <summary>
    /// Writes of one call that wait on the store at once: enough to keep a remote store busy (a write is a round trip; Cosmos
    /// DB's SDK retries one that is throttled), few enough not to queue a call's writes behind each other's timeouts.
    /// </summary>
    public const int WritesInFlight = 32;

    private static readonly string[] BuiltInFields = ["email", "first_name", "last_name", "created_at"];

    /// <summary>
    /// The written document, whether it was created, the parts of it the upsert changed (fields and lists whose
    /// values differ; every part of a new contact) and what it replaced; null when the contact kept changing. An upsert
    /// that changed nothing reports every field and list of the profile, and its previous document as not known: it may
    /// be the retry of one whose write went through but whose membership update failed. <paramref name="written"/>, when
    /// given, hears of a write that changes something before it is made (<see cref="IContactWritten.OnWritingAsync"/>)
    /// and of the written document after (<see cref="IContactWritten.OnWrittenAsync"/>).
    /// </summary>
    public static async Task<(ContactDocument Document, bool Created, ContactParts Changed, Replaced Replaced)?> UpsertAsync(IContactStore contacts, string tenant,
        ContactProfile profile, IContactWritten? written = null, CancellationToken cancellationToken = default) =>
        (await UpsertManyAsync(contacts, tenant, [profile], written, cancellationToken))[0];

    /// <summary>
    /// Upserts the profiles of distinct contacts, each as <see cref="UpsertAsync"/> says, in few round trips: the contacts
    /// are read together (<see cref="IContactStore.ReadManyAsync"/>), <paramref name="written"/> hears of the writes
    /// together before they are made and of the written documents together after, and at most <see cref="WritesInFlight"/>
    /// writes wait on the store at once. Those that lost a race to another writer are read and written again, together.
    /// A write that fails fails the call once the observer has heard of the documents written before it: written again,
    /// they would be replays whose previous document is no longer known. The outcomes in the order of the profiles.
    /// </summary>
    public static async Task<IReadOnlyList<(ContactDocument Document, bool Created, ContactParts Changed, Replaced Replaced)?>> UpsertManyAsync(
        IContactStore contacts, string tenant, IReadOnlyList<ContactProfile> profiles, IContactWritten? written = null,
        CancellationToken cancellationToken = default)
    {
        if (profiles.DistinctBy(p => p.Id, StringComparer.Ordinal).Count() != profiles.Count)
        {
            throw new ArgumentException("each contact's profile may be upserted once a call", nameof(profiles));
        }
        var outcomes = new (ContactDocument, bool, ContactParts, Replaced)?[profiles.Count];
        var pending = Enumerable.Range(0, profiles.Count).ToList();
        for (var attempt = 1; attempt <= MaxAttempts && pending.Count > 0; attempt++)
        {
            var stored = await contacts.ReadManyAsync(tenant, [.. pending.Select(i => profiles[i].Id)], cancellationToken);
            var plans = pending.Select(i => (Index: i, Stored: stored.GetValueOrDefault(profiles[i].Id)))
                .Select(p => (p.Index, p.Stored, Write: Plan(p.Stored, profiles[p.Index]))).ToList();
            if (written is not null && plans.Where(p => p.Write.Pending is not null).Select(p => p.Write.Pending!).ToList() is { Count: > 0 } writing)
            {
                await written.OnWritingAsync(tenant, writing, cancellationToken);
            }
            // Per plan: true once written, false when it lost a race; null while not written.
            var done = new bool?[plans.Count];
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, plans.Count),
                    new ParallelOptions { MaxDegreeOfParallelism = WritesInFlight, CancellationToken = cancellationToken }, async (j, token) =>
                    {
                        try
                        {
                            await contacts.WriteAsync(tenant, plans[j].Write.Document, plans[j].Stored?.ETag, token);
                            done[j] = true;
                        }
                        catch (ConcurrencyConflictException)
                        {
                            // The fold wrote this contact since it was read: apply the profile to the newer document.
                            done[j] = false;
                        }
                    });
            }
            catch
            {
                await NotifyAsync(CancellationToken.None);
                throw;
            }
            await NotifyAsync(cancellationToken);
            foreach (var (plan, j) in plans.Select((p, j) => (p, j)).Where(p => done[p.j] == true))
            {
                outcomes[plan.Index] = (plan.Write.Document, plan.Stored is null, plan.Write.Changed, plan.Write.Replaced);
            }
            pending = [.. plans.Where((_, j) => done[j] == false).Select(p => p.Index)];

            Task NotifyAsync(CancellationToken token) =>
                written is null || plans.Where((_, j) => done[j] == true).ToList() is not { Count: > 0 } made ? Task.CompletedTask
                    : written.OnWrittenAsync(tenant, [.. made.Select(p => new WrittenContact(p.Write.Document, p.Write.Changed, p.Write.Replaced))], token);
        }
        return outcomes;
    }

    /// <summary>
    /// What upserting <paramref name="profile"/> over <paramref name="stored"/> writes, changes and replaces (as
    /// <see cref="UpsertAsync"/> says), and what the observer hears of it before it is made (null when what it replaced is not known).
    /// </summary>
    private static ProfileWrite Plan(StoredContact? stored, ContactProfile profile)
    {
        var document = (stored?.Document ?? new ContactDocument(profile.Id)).WithProfile(profile);
        var (changed, replaced) = stored is null ? (ContactParts.All, Replaced.Of(null))
            : Changed(stored.Document, document) is { IsEmpty: false } diff ? (diff, Replaced.Of(stored.Document))
            : (Changed(new ContactDocument(profile.Id), document), Replaced.Unknown);
        return new ProfileWrite(document, changed, replaced, replaced.Known ? new PendingWrite(profile.Id, changed, stored?.Document) : null);
    }

    /// <summary>A profile's write: the document, the parts it changes, what it replaces, and what the observer hears before it.</summary>
    private sealed record ProfileWrite(ContactDocument Document, ContactParts Changed, Replaced Replaced, PendingWrite? Pending);

    /// <summary>The fields and lists of which <paramref name="before"/> and <paramref name="after"/> hold different values.</summary>
    private static ContactParts Changed(ContactDocument before, ContactDocument after)
    {
        var fields = BuiltInFields.Concat(before.Fields.Items.Select(f => f.Key)).Concat(after.Fields.Items.Select(f => f.Key))
            .Where(name => before.GetField(name) != after.GetField(name));
        var lists = before.Lists.Concat(after.Lists).Select(l => l.Key)
            .Where(list => before.RecordedListStatus(list) != after.RecordedListStatus(list));
        return ContactParts.None with
        {
            Fields = new HashSet<string>(fields, StringComparer.Ordinal),
            Lists = new HashSet<string>(lists, StringComparer.Ordinal),
        };
    }
}
