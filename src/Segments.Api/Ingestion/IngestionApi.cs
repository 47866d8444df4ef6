using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Api.Tenancy;
using Segments.Core.Ingestion;
using Segments.Core.Ports;

namespace Segments.Api.Ingestion;

/// <summary>
/// The ingestion routes for any ASP.NET Core host (<c>segments serve</c>, the Functions app): the public pixel
/// (<c>collect.js</c>, <c>px.gif</c>, <c>collect</c>) and, with an API key, <c>POST /api/events</c>,
/// <c>POST /api/contacts/{id}/token</c>, <c>GET /api/pixel/recent</c> (the console's pixel setup) and
/// <c>GET /api/dead-letters</c>. The host registers the <see cref="IPixelHitLog"/> (Table storage, shared by the Functions
/// app's instances; in memory in <c>segments serve</c>). Register after <see cref="SegmentsApi.AddSegmentsApi"/> (tenants, API-key
/// authentication); the host registers the <see cref="Core.Ports.IEventPublisher"/> (Event Hubs or the
/// event log of <c>segments serve</c>), the <see cref="Core.Ports.IContactStore"/> (read for visitor joins and the age of
/// events) and the <see cref="Core.Ports.IDeadLetterStore"/>.
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
        services.AddSingleton<PixelHitRecorder>();
        services.AddSingleton<PixelHandlers>();
        services.AddSingleton<PixelSetupHandler>();
        services.AddSingleton<EventsHandler>();
        services.AddSingleton<TokenHandler>();
        services.AddSingleton<DeadLetterHandlers>();
        return services;
    }

    private static readonly (string, bool, string) PixelKey = ("k", true, "The tenant's pixel key; the page must be on one of the tenant's allowed origins");

    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder endpoints)
    {
        var pixel = endpoints.MapGroup("/api").WithTags("Pixel").AllowAnonymous();
        // Typed as a Delegate so that the route is a route handler (described in OpenAPI), not a bare RequestDelegate.
        pixel.MapGet("/collect.js", (Delegate)((HttpContext c) => Snippet.WriteAsync(c)))
            .WithSummary("The website snippet (embed with ?k=PIXEL_KEY)").WithQuery(PixelKey)
            .Produces(StatusCodes.Status200OK, contentType: "text/javascript");
        pixel.MapGet("/px.gif", (PixelHandlers h, HttpContext c) => h.GifAsync(c))
            .WithSummary("One pixel event from an <img>; always a 1×1 GIF, with a Segments-Refused header naming why a hit was not taken")
            .WithDescription("Every other query parameter p.NAME is the event property NAME (text). The time is the time of arrival.")
            .WithQuery(PixelKey,
                ("t", false, "The contact token (seg_t); with v, the visitor's history is joined to the contact"),
                ("v", false, "The anonymous visitor id (16 to 64 letters, digits, '_' or '-'); a hit carries t or v"),
                ("e", false, "The event name (default page_view)"),
                ("id", false, "The event id (default: a new one); a repeat is counted once"),
                ("kind", false, "pixel (default) or conversion"),
                ("value", false, "A conversion's value (a number)"),
                ("currency", false, "A conversion's currency (ISO 4217, such as EUR)"))
            .Produces(StatusCodes.Status200OK, contentType: "image/gif");
        pixel.MapPost("/collect", (PixelHandlers h, HttpRequest r, CancellationToken ct) => h.CollectAsync(r, ct))
            .WithSummary("A snippet batch {visitor, token, events} as text/plain (sendBeacon) or application/json").WithQuery(PixelKey)
            .AcceptsJson<PixelBatchInput>("A batch of the snippet", contentTypes: ["text/plain", "application/json"])
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        var api = endpoints.MapGroup("/api").RequireApiKey();
        api.MapPost("/events", (EventsHandler h, CallerTenant t, HttpRequest r, CancellationToken ct) => h.PostAsync(t, r, ct))
            .WithTags("Events").WithSummary("Ingest events (an array in the events.jsonl shape, optional userAgent and ip)")
            .AcceptsJson<EventInput[]>("Events; each is accepted or rejected (with its index and paths) on its own")
            .Produces<EventsReceipt>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/pixel/recent", (PixelSetupHandler h, CallerTenant t, CancellationToken ct) => h.RecentAsync(t, ct))
            .WithTags("Pixel").WithSummary("The tenant's pixel key and allowed origins, and its last pixel hits (accepted or refused), newest first")
            .Produces<PixelRecentResponse>();
        api.MapPost("/contacts/{id}/token", (TokenHandler h, CallerTenant t, string id, HttpRequest r, CancellationToken ct) => h.PostAsync(t, id, r, ct))
            .WithTags("Contacts").WithSummary("A signed contact token (seg_t) for the click tracker; optional {expiresIn}")
            .AcceptsJson<TokenRequest>("The token's lifetime (optional)", optional: true).Produces<ContactTokenResponse>();
        api.MapGet("/dead-letters", (DeadLetterHandlers h, CallerTenant t, string? cursor, string? limit, CancellationToken ct) =>
                h.ListAsync(t, cursor, limit, ct))
            .WithTags("Events").WithSummary("Events the stream fold refused after they were accepted, with the reason; paged by cursor")
            .Produces<DeadLetterList>().ProducesProblem(StatusCodes.Status400BadRequest);
        return endpoints;
    }
}
