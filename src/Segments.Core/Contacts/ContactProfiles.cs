using Segments.Core.Documents;
using Segments.Core.Model;
using Segments.Core.Ports;

namespace Segments.Core.Contacts;

/// <summary>
/// Upserts a contact's profile into its document, keeping the folded activity: read, set the profile, write
/// on the version read, and again on a newer version when the fold wrote the contact in between.
/// </summary>
public static class ContactProfiles
{
    public const int MaxAttempts = 8;

    /// <summary>The written document and whether it was created; null when the contact kept changing.</summary>
    public static async Task<(ContactDocument Document, bool Created)?> UpsertAsync(IContactStore contacts, string tenant, ContactProfile profile,
        CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var stored = await contacts.ReadAsync(tenant, profile.Id, cancellationToken);
            var document = stored?.Document ?? new ContactDocument(profile.Id);
            document.SetProfile(profile);
            try
            {
                await contacts.WriteAsync(tenant, document, stored?.ETag, cancellationToken);
                return (document, stored is null);
            }
            catch (ConcurrencyConflictException)
            {
                // The fold wrote this contact since it was read: apply the profile to the newer document.
            }
        }
        return null;
    }
}
