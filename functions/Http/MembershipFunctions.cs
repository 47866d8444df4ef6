using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Segments.Api.Authentication;
using Segments.Api.Membership;
using Segments.Core.Membership;
using Segments.Orchestration.Jobs;

namespace Segments.Functions.Http;

/// <summary>The change feed, the report, drips and triggers: the API key's tenant, then the handler <c>segments serve</c> calls.</summary>
public sealed class MembershipFunctions(MembershipHandlers membership, ReportHandlers reports)
{
    [Function("GetSegmentChanges")]
    public Task<IResult> Changes([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments/{id}/changes")] HttpRequest request, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t =>
            membership.ChangesAsync(t, id, request.Query["since"], request.Query["limit"], request.HttpContext.RequestAborted));

    [Function("GetSegmentReport")]
    public Task<IResult> Report([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments/{id}/report")] HttpRequest request, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t =>
            reports.GetAsync(t, id, request.Query["from"], request.Query["to"], request.Query["by"], request.HttpContext.RequestAborted));

    [Function("PutDrip")]
    public Task<IResult> PutDrip([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "drips/{id}")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient durable) =>
        Put(request, ConsumerKind.Drip, id, durable);

    [Function("GetDrip")]
    public Task<IResult> GetDrip([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "drips/{id}")] HttpRequest request, string id) =>
        Get(request, ConsumerKind.Drip, id);

    [Function("DeleteDrip")]
    public Task<IResult> DeleteDrip([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "drips/{id}")] HttpRequest request, string id) =>
        Delete(request, ConsumerKind.Drip, id);

    [Function("GetDripEnrollments")]
    public Task<IResult> Enrollments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "drips/{id}/enrollments")] HttpRequest request,
        string id) =>
        Records(request, ConsumerKind.Drip, id);

    [Function("PutTrigger")]
    public Task<IResult> PutTrigger([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "triggers/{id}")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient durable) =>
        Put(request, ConsumerKind.Trigger, id, durable);

    [Function("GetTrigger")]
    public Task<IResult> GetTrigger([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "triggers/{id}")] HttpRequest request, string id) =>
        Get(request, ConsumerKind.Trigger, id);

    [Function("DeleteTrigger")]
    public Task<IResult> DeleteTrigger([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "triggers/{id}")] HttpRequest request, string id) =>
        Delete(request, ConsumerKind.Trigger, id);

    [Function("GetTriggerFirings")]
    public Task<IResult> Firings([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "triggers/{id}/firings")] HttpRequest request, string id) =>
        Records(request, ConsumerKind.Trigger, id);

    /// <summary>The baseline job is started through the Durable client bound to this call.</summary>
    private Task<IResult> Put(HttpRequest request, ConsumerKind kind, string id, DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t =>
            membership.PutAsync(t, kind, id, request, new DurableJobScheduler(durable), request.HttpContext.RequestAborted));

    private Task<IResult> Get(HttpRequest request, ConsumerKind kind, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => membership.GetAsync(t, kind, id, request.HttpContext.RequestAborted));

    private Task<IResult> Delete(HttpRequest request, ConsumerKind kind, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => membership.DeleteAsync(t, kind, id, request.HttpContext.RequestAborted));

    private Task<IResult> Records(HttpRequest request, ConsumerKind kind, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t =>
            membership.RecordsAsync(t, kind, id, request.Query["since"], request.Query["limit"], request.HttpContext.RequestAborted));
}
