using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Segments.Api.Authentication;
using Segments.Api.Broadcasts;

namespace Segments.Functions.Http;

/// <summary>
/// The broadcast routes. The Durable client is bound per invocation (<c>[DurableClient]</c>; the extension registers
/// none in the container), so each call makes the <see cref="BroadcastHandlers"/> <c>segments serve</c> uses around it.
/// </summary>
public static class BroadcastFunctions
{
    [Function("ScheduleBroadcast")]
    public static Task<IResult> Schedule([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "broadcasts")] HttpRequest request,
        [DurableClient] DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => Handlers(request, durable).PostAsync(t, request, request.HttpContext.RequestAborted));

    [Function("GetBroadcast")]
    public static Task<IResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "broadcasts/{id}")] HttpRequest request,
        string id, [DurableClient] DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => Handlers(request, durable).GetAsync(t, id, request.HttpContext.RequestAborted));

    [Function("GetBroadcastAudience")]
    public static Task<IResult> Audience([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "broadcasts/{id}/audience")] HttpRequest request,
        string id, [DurableClient] DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t =>
            Handlers(request, durable).AudienceAsync(t, id, request.HttpContext.Response, request.HttpContext.RequestAborted));

    [Function("ListBroadcasts")]
    public static Task<IResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "broadcasts")] HttpRequest request,
        [DurableClient] DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => Lifecycle(request, durable).ListAsync(t, request.Query["status"], request.Query["cursor"],
            request.Query["limit"], request.HttpContext.RequestAborted));

    [Function("RescheduleBroadcast")]
    public static Task<IResult> Reschedule([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "broadcasts/{id}")] HttpRequest request,
        string id, [DurableClient] DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => Lifecycle(request, durable).RescheduleAsync(t, id, request, request.HttpContext.RequestAborted));

    [Function("CancelBroadcast")]
    public static Task<IResult> Cancel([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "broadcasts/{id}/cancel")] HttpRequest request,
        string id, [DurableClient] DurableTaskClient durable) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => Lifecycle(request, durable).CancelAsync(t, id, request.HttpContext.RequestAborted));

    private static BroadcastHandlers Handlers(HttpRequest request, DurableTaskClient durable) =>
        ActivatorUtilities.CreateInstance<BroadcastHandlers>(request.HttpContext.RequestServices, durable);

    private static BroadcastLifecycleHandlers Lifecycle(HttpRequest request, DurableTaskClient durable) =>
        ActivatorUtilities.CreateInstance<BroadcastLifecycleHandlers>(request.HttpContext.RequestServices, durable);
}
