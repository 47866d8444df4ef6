using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Ports;
using Segments.Orchestration;

namespace Segments.Api.Broadcasts;

public static class BroadcastsApi
{
    /// <summary>
    /// The broadcast handlers (asking, and what comes after: <see cref="BroadcastLifecycleHandlers"/>) and the <see cref="BroadcastResumer"/>. The host registers the
    /// <see cref="Core.Ports.IBroadcastStore"/> and an <see cref="Core.Ports.IAudienceSink"/>, and gives the routes an
    /// <see cref="IBroadcastScheduler"/> (<c>segments serve</c> registers one; the Functions app makes one per call).
    /// </summary>
    public static IServiceCollection AddBroadcastsApi(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BroadcastResumer>();
        services.AddSingleton<BroadcastLifecycleHandlers>();
        return services.AddSingleton<BroadcastHandlers>();
    }

    /// <summary>
    /// <c>POST /api/broadcasts</c>, <c>GET /api/broadcasts</c>, <c>GET</c> and <c>PATCH /api/broadcasts/{id}</c>,
    /// <c>POST /api/broadcasts/{id}/cancel</c>, <c>GET /api/broadcasts/{id}/audience</c>; an API key is required.
    /// </summary>
    public static IEndpointRouteBuilder MapBroadcastsApi(this IEndpointRouteBuilder endpoints)
    {
        var broadcasts = endpoints.MapGroup("/api/broadcasts").RequireApiKey().WithTags("Broadcasts");
        broadcasts.MapPost("", (BroadcastHandlers h, CallerTenant t, HttpRequest r, [FromServices] IBroadcastScheduler s, CancellationToken ct) =>
                h.PostAsync(t, r, s, ct))
            .WithSummary("Schedule a send: the audience is resolved at sendAt (default now), as of asOf (default then)")
            .AcceptsJson<BroadcastRequest>("The broadcast: id, segment, and optionally list, sendAt, asOf, exclude")
            .Produces<BroadcastView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        broadcasts.MapGet("/{id}", (BroadcastHandlers h, CallerTenant t, string id, [FromServices] IBroadcastScheduler s, CancellationToken ct) =>
                h.GetAsync(t, id, s, ct))
            .WithSummary("Status, progress and, once completed, the manifest").Produces<BroadcastView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        broadcasts.MapGet("", (BroadcastLifecycleHandlers h, CallerTenant t, string? status, string? cursor, string? limit, CancellationToken ct) =>
                h.ListAsync(t, status, cursor, limit, ct))
            .WithSummary("The broadcasts, newest first, of one status if asked; paged by cursor").Produces<BroadcastList>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        broadcasts.MapPatch("/{id}", (BroadcastLifecycleHandlers h, CallerTenant t, string id, HttpRequest r, [FromServices] IBroadcastScheduler s,
                CancellationToken ct) => h.RescheduleAsync(t, id, r, s, ct))
            .WithSummary("Move the send time of a broadcast still scheduled")
            .AcceptsJson<BroadcastChange>("The new send time: {sendAt}")
            .Produces<BroadcastView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        broadcasts.MapPost("/{id}/cancel", (BroadcastLifecycleHandlers h, CallerTenant t, string id, [FromServices] IBroadcastScheduler s, CancellationToken ct) =>
                h.CancelAsync(t, id, s, ct))
            .WithSummary("Cancel a scheduled or running broadcast: it never resolves, or stops between partitions; no audience stays")
            .Produces<BroadcastView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        broadcasts.MapGet("/{id}/audience", (BroadcastHandlers h, CallerTenant t, string id, HttpResponse r, CancellationToken ct) =>
                h.AudienceAsync(t, id, r, ct))
            .WithSummary("The resolved audience, NDJSON {contactId, email} in contact id order").Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }
}
