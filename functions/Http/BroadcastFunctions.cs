using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Segments.Api.Authentication;
using Segments.Api.Broadcasts;
using Segments.Orchestration;

namespace Segments.Functions.Http;

/// <summary>
/// The broadcast routes, on the handlers <c>segments serve</c> uses. The Durable client is bound per invocation
/// (<c>[DurableClient]</c>; the extension registers none in the container), so each call hands the handler a
/// <see cref="DurableBroadcastScheduler"/> around it.
/// </summary>
public sealed class BroadcastFunctions(BroadcastHandlers broadcasts, BroadcastLifecycleHandlers lifecycle)
{
    [Function("ScheduleBroadcast")]
    public Task<IResult> Schedule([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "broadcasts")] HttpRequest request,
        [DurableClient] DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => broadcasts.PostAsync(t, request, new DurableBroadcastScheduler(durable), request.HttpContext.RequestAborted));

    [Function("GetBroadcast")]
    public Task<IResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "broadcasts/{id}")] HttpRequest request,
        string id, [DurableClient] DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => broadcasts.GetAsync(t, id, new DurableBroadcastScheduler(durable), request.HttpContext.RequestAborted));

    [Function("GetBroadcastAudience")]
    public Task<IResult> Audience([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "broadcasts/{id}/audience")] HttpRequest request,
        string id, [DurableClient] DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t =>
            broadcasts.AudienceAsync(t, id, request.HttpContext.Response, request.HttpContext.RequestAborted));

    [Function("ListBroadcasts")]
    public Task<IResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "broadcasts")] HttpRequest request,
        [DurableClient] DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => lifecycle.ListAsync(t, request.Query["status"], request.Query["cursor"],
            request.Query["limit"], request.HttpContext.RequestAborted));

    [Function("RescheduleBroadcast")]
    public Task<IResult> Reschedule([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "broadcasts/{id}")] HttpRequest request,
        string id, [DurableClient] DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => lifecycle.RescheduleAsync(t, id, request, new DurableBroadcastScheduler(durable),
            request.HttpContext.RequestAborted));

    [Function("CancelBroadcast")]
    public Task<IResult> Cancel([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "broadcasts/{id}/cancel")] HttpRequest request,
        string id, [DurableClient] DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => lifecycle.CancelAsync(t, id, new DurableBroadcastScheduler(durable), request.HttpContext.RequestAborted));
}
