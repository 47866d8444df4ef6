using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Documents;
using Segments.Engine.Model;

namespace Segments.Core.Contacts;

/// <summary>
/// Upserts a profile (<see cref="ContactProfiles"/>) and tells the <see cref="IContactWritten"/> observer (membership
/// tracking), when there is one, what it is about to replace and what changed, before answering: the one path of <c>PUT /api/contacts/{id}</c> and of imports.
/// </summary>
public sealed class ProfileWriter(IContactStore contacts, IContactWritten? written = null)
{
    /// <summary>The written document and whether it was created; null when the contact kept changing (the fold wrote it meanwhile).</summary>
    public async Task<(ContactDocument Document, bool Created)?> WriteAsync(string tenant, ContactProfile profile, CancellationToken cancellationToken)
    {
        if (await ContactProfiles.UpsertAsync(contacts, tenant, profile, written, cancellationToken) is not var (document, created, changed, replaced))
        {
            return null;
        }
        if (written is not null)
        {
            await written.OnWrittenAsync(tenant, document, changed, replaced, cancellationToken);
        }
        return (document, created);
    }
}
