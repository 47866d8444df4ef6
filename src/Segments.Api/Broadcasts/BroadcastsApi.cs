using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Segments.Api.Authentication;
using Segments.Orchestration;
using Segments.Api.Http;

namespace Segments.Api.Broadcasts;

public static class BroadcastsApi
{
    /// <summary>
    /// The broadcast handlers and the <see cref="BroadcastResumer"/>. The host registers the Durable Task client
    /// (<c>DurableTaskClient</c>) with the resolution orchestration behind it, the <see cref="Core.Broadcasts.IBroadcastStore"/>
    /// and an <see cref="Core.Audience.IAudienceSink"/>.
    /// </summary>
    public static IServiceCollection AddBroadcastsApi(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BroadcastResumer>();
        return services.AddSingleton<BroadcastHandlers>();
    }

    /// <summary><c>POST /api/broadcasts</c>, <c>GET /api/broadcasts/{id}</c>, <c>GET /api/broadcasts/{id}/audience</c>; an API key is required.</summary>
    public static IEndpointRouteBuilder MapBroadcastsApi(this IEndpointRouteBuilder endpoints)
    {
        var broadcasts = endpoints.MapGroup("/api/broadcasts").RequireApiKey().WithTags("Broadcasts");
        broadcasts.MapPost("", (BroadcastHandlers h, CallerTenant t, HttpRequest r, CancellationToken ct) => h.PostAsync(t, r, ct))
            .WithSummary("Schedule a send: the audience is resolved at sendAt (default now), as of asOf (default then)")
            .AcceptsJson<BroadcastRequest>("The broadcast: id, segment, and optionally list, sendAt, asOf")
            .Produces<BroadcastView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        broadcasts.MapGet("/{id}", (BroadcastHandlers h, CallerTenant t, string id, CancellationToken ct) => h.GetAsync(t, id, ct))
            .WithSummary("Status, progress and, once completed, the manifest").Produces<BroadcastView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        broadcasts.MapGet("/{id}/audience", (BroadcastHandlers h, CallerTenant t, string id, HttpResponse r, CancellationToken ct) =>
                h.AudienceAsync(t, id, r, ct))
            .WithSummary("The resolved audience, NDJSON {contactId, email} in contact id order").Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }
}
