using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Segments.Api;
using Segments.Api.Broadcasts;
using Segments.Api.Http;
using Segments.Api.Ingestion;
using Segments.Api.Jobs;
using Segments.Api.Membership;
using Segments.Azure.Audiences;
using Segments.Azure.Catalog;
using Segments.Azure.Cosmos;
using Segments.Azure.EventHubs;
using Segments.Core.Hosting;

namespace Segments.Functions;

/// <summary>
/// The Functions app's services: the parts of <c>segments serve</c> with every store on its Azure service (the
/// settings of <c>local.settings.sample.json</c> and <c>infra/app-settings.json</c>, validated at start-up), and the
/// Event Hubs processor hosted in the worker, folding the stream into Cosmos DB (dead letters in Blob storage) and
/// re-evaluating each written contact for the segments drips and triggers use (memberships, drips, triggers and daily
/// reports in Table storage; the time sweep and the daily report run on timers, see <c>Timers/MembershipTimers</c>).
/// Broadcasts are kept as records in Table storage, as <c>segments serve</c> keeps them in SQLite, so the routes behave alike.
/// </summary>
public static class FunctionsComposition
{
    public static IServiceCollection AddSegmentsFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCosmosContactStore(configuration);
        services.AddTableStorageCatalog(configuration);
        services.AddTableStorageMembership(configuration);
        services.AddTableStorageBroadcasts(configuration);
        services.AddTableStoragePixelHits(configuration);
        services.AddBlobAudienceSink(configuration);
        services.AddEventHubsStream(configuration);
        services.AddEventHubsChangePublisher(configuration);
        services.AddStreamFold(configuration);
        services.AddSegmentsApi(configuration);
        services.AddIngestion(configuration);
        // The tracker is the fold's IContactWritten; no hosted loop: the timers run the sweep and the report.
        services.AddMembershipHandlers();
        // Jobs (imports, baselines) run as the Durable orchestration of Durable/JobFunctions, recorded in Table storage.
        services.AddJobsApi();
        // Broadcasts: the functions hand the handlers a scheduler around the Durable client bound to each call.
        services.AddBroadcastsApi();
        services.AddApiRouteTable();
        return services;
    }
}
