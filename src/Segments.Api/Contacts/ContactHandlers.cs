using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Contacts;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Documents;
using Segments.Engine.Input;

namespace Segments.Api.Contacts;

/// <summary>
/// The contact routes: profile upserts into the contact store, and the contact as folded. An upsert is told to the
/// <see cref="IContactWritten"/> observer (membership tracking) when there is one, as a fold write is, before it answers.
/// </summary>
public sealed class ContactHandlers(
    IContactStore contacts, ISuppressionStore suppressions, ContactErasure erasure, ILogger<ContactHandlers> logger, IContactWritten? written = null)
{
    private readonly ProfileWriter _profiles = new(contacts, written);

    /// <summary>Upserts the profile of the path's contact: 201 when it is new, 200 with the contact as it now is.</summary>
    public async Task<IResult> PutAsync(CallerTenant tenant, string id, HttpRequest request, CancellationToken cancellationToken)
    {
        if (RouteIds.InvalidUnless(RouteIds.IsContactId(id), "contact", id, RouteIds.ContactIdRule) is { } invalid)
        {
            return invalid;
        }
        var (body, refusal) = await JsonBody.ReadAsync(request, JsonBodyRules.Management, cancellationToken);
        if (body is null)
        {
            return refusal!.ToResult();
        }
        using var _ = body;
        var (withId, idError) = JsonBody.WithId(body.Root, id);
        if (idError is not null)
        {
            return Problems.Invalid([idError]);
        }
        var (profile, errors) = InputReader.ReadContact(withId);
        if (profile is null)
        {
            return Problems.Invalid(errors);
        }
        if (await _profiles.WriteAsync(tenant.Id, profile, cancellationToken) is not var (document, created))
        {
            return Problems.Refusal(StatusCodes.Status409Conflict, "The contact kept changing", "$",
                $"contact '{id}' changed {ContactProfiles.MaxAttempts} times while its profile was being written; try again");
        }
        logger.LogInformation("Upserted the profile of contact {Contact} of tenant {Tenant}", id, tenant.Id);
        var view = ContactView.From(document, await suppressions.ForContactAsync(tenant.Id, id, cancellationToken));
        return created ? TypedResults.Created($"/api/contacts/{Uri.EscapeDataString(id)}", view) : TypedResults.Ok(view);
    }

    /// <summary>
    /// Erases the contact on every store (<see cref="ContactErasure"/>), keeping only salted hashes of its id and address as a
    /// global suppression. Answers 204 whatever there was to erase, so a retried erasure succeeds too.
    /// </summary>
    public async Task<IResult> DeleteAsync(CallerTenant tenant, string id, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsContactId(id), "contact", id) is { } unknown)
        {
            return unknown;
        }
        await erasure.EraseAsync(tenant.Id, id, cancellationToken);
        logger.LogInformation("Erased a contact of tenant {Tenant}", tenant.Id); // Not its id: the log keeps nothing of it.
        return TypedResults.NoContent();
    }

    public async Task<IResult> GetAsync(CallerTenant tenant, string id, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsContactId(id), "contact", id) is { } unknown)
        {
            return unknown;
        }
        if (await contacts.ReadAsync(tenant.Id, id, cancellationToken) is not { } stored)
        {
            return Problems.NotFound($"contact '{id}'");
        }
        return TypedResults.Ok(ContactView.From(stored.Document, await suppressions.ForContactAsync(tenant.Id, id, cancellationToken)));
    }
}
