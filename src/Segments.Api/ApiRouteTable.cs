using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Segments.Api.Broadcasts;
using Segments.Api.Http;
using Segments.Api.Ingestion;
using Segments.Api.Jobs;
using Segments.Api.Membership;

namespace Segments.Api;

/// <summary>
/// The routes of <c>segments serve</c> as endpoints over a host's own services, for a host that dispatches requests
/// itself (the Functions app): they are the <see cref="EndpointDataSource"/> OpenAPI describes, so the document it
/// serves at <see cref="ApiDocument.Path"/> is the one <c>segments serve</c> serves.
/// </summary>
public static class ApiRouteTable
{
    /// <summary>
    /// Registers the routes as the host's <see cref="EndpointDataSource"/> (with <see cref="SegmentsApi.AddSegmentsApi"/>),
    /// with the routing services the API explorer reads them with.
    /// </summary>
    public static IServiceCollection AddApiRouteTable(this IServiceCollection services) => services
        .AddRouting()
        .AddSingleton<EndpointDataSource>(provider => new CompositeEndpointDataSource(new Routes(provider).DataSources));

    /// <summary>Writes the OpenAPI document of the routes to the response.</summary>
    public static Task WriteOpenApiAsync(HttpContext context)
    {
        var endpoint = context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(e => e.RoutePattern.RawText == ApiDocument.Path);
        return endpoint.RequestDelegate!(context);
    }

    private sealed class Routes : IEndpointRouteBuilder
    {
        public Routes(IServiceProvider services)
        {
            ServiceProvider = services;
            this.MapSegmentsApi();
            this.MapIngestionApi();
            this.MapMembershipApi();
            this.MapBroadcastsApi();
            this.MapJobsApi();
        }

        public IServiceProvider ServiceProvider { get; }

        public ICollection<EndpointDataSource> DataSources { get; } = [];

        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(ServiceProvider);
    }
}
