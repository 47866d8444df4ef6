using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Segments.Api.Authentication;
using Segments.Api.Contacts;
using Segments.Api.Ingestion;
using Segments.Api.Suppressions;

namespace Segments.Functions.Http;

/// <summary>The contact, token, event, dead-letter and suppression routes: the API key's tenant, then the handler <c>segments serve</c> calls.</summary>
public sealed class ContactFunctions(
    ContactHandlers contacts, TokenHandler tokens, EventsHandler events, DeadLetterHandlers deadLetters, SuppressionHandlers suppressions)
{
    [Function("PutContact")]
    public Task<IResult> Put([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "contacts/{id}")] HttpRequest request, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => contacts.PutAsync(t, id, request, request.HttpContext.RequestAborted));

    [Function("GetContact")]
    public Task<IResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "contacts/{id}")] HttpRequest request, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => contacts.GetAsync(t, id, request.HttpContext.RequestAborted));

    [Function("CreateContactToken")]
    public Task<IResult> Token([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "contacts/{id}/token")] HttpRequest request, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => tokens.PostAsync(t, id, request, request.HttpContext.RequestAborted));

    [Function("PostEvents")]
    public Task<IResult> Events([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "events")] HttpRequest request) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => events.PostAsync(t, request, request.HttpContext.RequestAborted));

    [Function("ListDeadLetters")]
    public Task<IResult> DeadLetters([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dead-letters")] HttpRequest request) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t =>
            deadLetters.ListAsync(t, request.Query["cursor"], request.Query["limit"], request.HttpContext.RequestAborted));

    [Function("PostSuppressions")]
    public Task<IResult> Suppressions([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "suppressions")] HttpRequest request) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => suppressions.PostAsync(t, request, request.HttpContext.RequestAborted));
}
