using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Segments.Api.Authentication;
using Segments.Api.Pixel;
using Segments.Api.Tenancy;
using Segments.Core.Ingestion;

namespace Segments.Api.Ingestion;

/// <summary>
/// The ingestion routes for any ASP.NET Core host (<c>segments serve</c>, the Functions app): the public pixel
/// (<c>collect.js</c>, <c>px.gif</c>, <c>collect</c>) and, with an API key, <c>POST /api/events</c> and
/// <c>POST /api/contacts/{id}/token</c>. Register after <see cref="SegmentsApi.AddSegmentsApi"/> (tenants, API-key
/// authentication); the host registers the <see cref="Core.Streaming.IEventPublisher"/> (Event Hubs or the
/// event log of <c>segments serve</c>) and the <see cref="Core.Ports.IContactStore"/> (read for visitor joins).
/// </summary>
public static class IngestionApi
{
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngestionOptions>().Bind(configuration.GetSection(IngestionOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IngestionOptions>, IngestionOptionsValidation>();
        services.AddSingleton<IValidateOptions<TenantsOptions>, PixelTenantsValidation>();
        services.AddOptions<TenantsOptions>().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<IGeoLocator>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<IngestionOptions>>().Value;
            return options.MaxMindDatabase is { } database ? new MaxMindGeoLocator(database)
                : options.GeoHeaders.Any ? new TrustedHeaderGeoLocator(options.GeoHeaders)
                : new NoGeoLocator();
        });
        services.AddSingleton(provider => new EventRules(
            provider.GetRequiredService<IOptions<IngestionOptions>>().Value.Limits, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ContactTokens>();
        services.AddSingleton<PixelIdentities>();
        services.AddSingleton<PixelEventReader>();
        services.AddSingleton<VisitorJoin>();
        services.AddSingleton<PixelTenants>();
        services.AddSingleton<UserAgentCache>();
        services.AddSingleton<HitEnrichment>();
        services.AddSingleton<EventPublishing>();
        services.AddSingleton<IngestionMetrics>();
        services.AddSingleton<PixelHandlers>();
        services.AddSingleton<EventsHandler>();
        services.AddSingleton<TokenHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder endpoints)
    {
        var pixel = endpoints.MapGroup("/api").WithTags("Pixel").AllowAnonymous();
        // Typed as a Delegate so that the route is a route handler (described in OpenAPI), not a bare RequestDelegate.
        pixel.MapGet("/collect.js", (Delegate)((HttpContext c) => Snippet.WriteAsync(c)))
            .WithSummary("The website snippet (embed with ?k=PIXEL_KEY)").Produces(StatusCodes.Status200OK, contentType: "text/javascript");
        pixel.MapGet("/px.gif", (PixelHandlers h, HttpContext c) => h.GifAsync(c))
            .WithSummary("One pixel event from an <img>: k, v or t, e, id, kind, value, currency, p.NAME; always a 1×1 GIF")
            .Produces(StatusCodes.Status200OK, contentType: "image/gif");
        pixel.MapPost("/collect", (PixelHandlers h, HttpRequest r, CancellationToken ct) => h.CollectAsync(r, ct))
            // No Accepts metadata: routing would answer other media types 415 without a problem body.
            .WithSummary("A snippet batch {visitor, token, events} as text/plain (sendBeacon) or application/json")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        var api = endpoints.MapGroup("/api").RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapPost("/events", (EventsHandler h, CallerTenant t, HttpRequest r, CancellationToken ct) => h.PostAsync(t, r, ct))
            .WithTags("Events").WithSummary("Ingest events (an array in the events.jsonl shape, optional userAgent and ip)")
            .Accepts<object[]>("application/json").Produces<EventsReceipt>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/contacts/{id}/token", (TokenHandler h, CallerTenant t, string id, HttpRequest r, CancellationToken ct) => h.PostAsync(t, id, r, ct))
            .WithTags("Contacts").WithSummary("A signed contact token (seg_t) for the click tracker; optional {expiresIn}")
            .Produces<ContactTokenResponse>().ProducesProblem(StatusCodes.Status400BadRequest);
        return endpoints;
    }
}
