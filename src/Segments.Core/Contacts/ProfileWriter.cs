using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Documents;
using Segments.Engine.Model;

namespace Segments.Core.Contacts;

/// <summary>
/// Upserts profiles (<see cref="ContactProfiles"/>) and tells the <see cref="IContactWritten"/> observer (membership
/// tracking), when there is one, what each write is about to replace and what changed, before answering: the one path of
/// <c>PUT /api/contacts/{id}</c> and of imports.
/// </summary>
public sealed class ProfileWriter(IContactStore contacts, IContactWritten? written = null)
{
    /// <summary>The written document and whether it was created; null when the contact kept changing (the fold wrote it meanwhile).</summary>
    public async Task<(ContactDocument Document, bool Created)?> WriteAsync(string tenant, ContactProfile profile, CancellationToken cancellationToken) =>
        (await WriteManyAsync(tenant, [profile], cancellationToken))[0];

    /// <summary>The profiles of distinct contacts, written together (<see cref="ContactProfiles.UpsertManyAsync"/>); each outcome as <see cref="WriteAsync"/> says.</summary>
    public async Task<IReadOnlyList<(ContactDocument Document, bool Created)?>> WriteManyAsync(string tenant, IReadOnlyList<ContactProfile> profiles,
        CancellationToken cancellationToken) =>
        [.. (await ContactProfiles.UpsertManyAsync(contacts, tenant, profiles, written, cancellationToken))
            .Select(o => o is var (document, created, _, _) ? (document, created) : ((ContactDocument, bool)?)null)];
}
