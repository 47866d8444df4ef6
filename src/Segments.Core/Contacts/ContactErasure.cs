using System.Text.Json;
using Segments.Core.Ports;
using Segments.Core.Suppressions;

namespace Segments.Core.Contacts;

/// <summary>
/// Erases a contact (the right to erasure): its profile and folded events, explicit suppressions, memberships and changes
/// of every segment, enrolments and firings, and the dead letters of its events, on whichever stores the host runs. What
/// stays is a salted hash of its id and of its address, a global suppression (<see cref="Erasure"/>): a contact imported
/// or created again under either is never in an audience. The hashes are kept first and the document deleted last, so an
/// erasure cut short is finished by the next one. Safe to repeat.
/// </summary>
public sealed class ContactErasure(IContactStore contacts, ISuppressionStore suppressions, IMembershipStore? membership = null,
    IConsumerStore? consumers = null, IDeadLetterStore? deadLetters = null)
{
    private const int DeadLetterPageSize = 500;

    public async Task EraseAsync(string tenant, string contactId, CancellationToken cancellationToken)
    {
        var stored = await contacts.ReadAsync(tenant, contactId, cancellationToken);
        var salt = await suppressions.SaltAsync(tenant, cancellationToken);
        await suppressions.AddErasedAsync(tenant, Erasure.HashesOf(salt, contactId, stored?.Document.Email), cancellationToken);
        await suppressions.RemoveAsync(tenant, contactId, null, cancellationToken);
        if (membership is not null)
        {
            await membership.EraseContactAsync(tenant, contactId, cancellationToken);
        }
        if (consumers is not null)
        {
            await consumers.EraseContactAsync(tenant, contactId, cancellationToken);
        }
        if (deadLetters is not null)
        {
            // Every page is read before any letter is removed, so that no removal moves a cursor.
            var letters = new List<string>();
            string? cursor = null;
            do
            {
                var page = await deadLetters.PageAsync(tenant, cursor, DeadLetterPageSize, cancellationToken);
                letters.AddRange(page.Letters.Where(l => Names(l.Payload, contactId)).Select(l => l.Source));
                cursor = page.Next;
            }
            while (cursor is not null);
            foreach (var source in letters)
            {
                await deadLetters.RemoveAsync(tenant, source, cancellationToken);
            }
        }
        await contacts.DeleteAsync(tenant, contactId, cancellationToken);
    }

    /// <summary>Whether a dead letter's payload (an event, as delivered) is the contact's.</summary>
    private static bool Names(string payload, string contactId)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("contactId", out var id)
                && id.ValueKind == JsonValueKind.String && id.GetString() == contactId;
        }
        catch (JsonException)
        {
            // Not JSON: it cannot name a contact the fold could read.
            return false;
        }
    }
}
