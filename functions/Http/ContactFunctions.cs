using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Segments.Api.Authentication;
using Segments.Api.Contacts;
using Segments.Api.Ingestion;
using Segments.Api.Jobs;
using Segments.Api.Suppressions;
using Segments.Orchestration.Jobs;

namespace Segments.Functions.Http;

/// <summary>The contact, token, event, dead-letter and suppression routes: the API key's tenant, then the handler <c>segments serve</c> calls.</summary>
public sealed class ContactFunctions(
    ContactHandlers contacts, TokenHandler tokens, EventsHandler events, DeadLetterHandlers deadLetters, SuppressionHandlers suppressions,
    JobHandlers jobs)
{
    [Function("DeleteContact")]
    public Task<IResult> Delete([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "contacts/{id}")] HttpRequest request, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => contacts.DeleteAsync(t, id, request.HttpContext.RequestAborted));

    /// <summary>The import job is started through the Durable client bound to this call.</summary>
    [Function("ImportContacts")]
    public Task<IResult> Import([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "contacts:import")] HttpRequest request,
        [DurableClient] DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t =>
            jobs.ImportAsync(t, request, new DurableJobScheduler(durable), request.HttpContext.RequestAborted));

    [Function("GetJob")]
    public Task<IResult> Job([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "jobs/{id}")] HttpRequest request, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => jobs.GetAsync(t, id, request.HttpContext.RequestAborted));

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

    [Function("ListSuppressions")]
    public Task<IResult> ListSuppressions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "suppressions")] HttpRequest request) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t =>
            suppressions.ListAsync(t, request.Query["reason"], request.Query["cursor"], request.Query["limit"], request.HttpContext.RequestAborted));

    [Function("DeleteSuppression")]
    public Task<IResult> DeleteSuppression(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "suppressions/{contactId}/{reason}")] HttpRequest request, string contactId,
        string reason) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => suppressions.DeleteAsync(t, contactId, reason, request.HttpContext.RequestAborted));
    [Function("ListDeadLetters")]
    public Task<IResult> DeadLetters([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dead-letters")] HttpRequest request) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t =>
            deadLetters.ListAsync(t, request.Query["cursor"], request.Query["limit"], request.HttpContext.RequestAborted));

    [Function("PostSuppressions")]
    public Task<IResult> Suppressions([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "suppressions")] HttpRequest request) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => suppressions.PostAsync(t, request, request.HttpContext.RequestAborted));
}
