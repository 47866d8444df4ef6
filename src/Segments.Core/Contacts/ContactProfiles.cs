using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Documents;
using Segments.Engine.Model;

namespace Segments.Core.Contacts;

/// <summary>
/// Upserts a contact's profile into its document, keeping the folded activity: read, set the profile, write
/// on the version read, and again on a newer version when the fold wrote the contact in between.
/// </summary>
public static class ContactProfiles
{
    public const int MaxAttempts = 8;

    private static readonly string[] BuiltInFields = ["email", "first_name", "last_name", "created_at"];

    /// <summary>
    /// The written document, whether it was created, the parts of it the upsert changed (fields and lists whose
    /// values differ; every part of a new contact) and what it replaced; null when the contact kept changing. An upsert
    /// that changed nothing reports every field and list of the profile, and its previous document as not known: it may
    /// be the retry of one whose write went through but whose membership update failed. <paramref name="written"/>, when
    /// given, hears of a write that changes something before it is made (<see cref="IContactWritten.OnWritingAsync"/>).
    /// </summary>
    public static async Task<(ContactDocument Document, bool Created, ContactParts Changed, Replaced Replaced)?> UpsertAsync(IContactStore contacts, string tenant,
        ContactProfile profile, IContactWritten? written = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var stored = await contacts.ReadAsync(tenant, profile.Id, cancellationToken);
            var document = (stored?.Document ?? new ContactDocument(profile.Id)).WithProfile(profile);
            var (changed, replaced) = stored is null ? (ContactParts.All, Replaced.Of(null))
                : Changed(stored.Document, document) is { IsEmpty: false } diff ? (diff, Replaced.Of(stored.Document))
                : (Changed(new ContactDocument(profile.Id), document), Replaced.Unknown);
            if (written is not null && replaced.Known)
            {
                await written.OnWritingAsync(tenant, [new PendingWrite(profile.Id, changed, stored?.Document)], cancellationToken);
            }
            try
            {
                await contacts.WriteAsync(tenant, document, stored?.ETag, cancellationToken);
                return (document, stored is null, changed, replaced);
            }
            catch (ConcurrencyConflictException)
            {
                // The fold wrote this contact since it was read: apply the profile to the newer document.
            }
        }
        return null;
    }

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
