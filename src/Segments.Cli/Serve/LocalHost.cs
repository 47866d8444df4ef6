using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Segments.Api;
using Segments.Api.Broadcasts;
using Segments.Api.Ingestion;
using Segments.Api.Jobs;
using Segments.Api.Membership;
using Segments.Azure.Audiences;
using Segments.Azure.Catalog;
using Segments.Azure.Cosmos;
using Segments.Azure.EventHubs;
using Segments.Core.Hosting;
using Segments.Core.Jobs;
using Segments.Core.Tenancy;
using Segments.Embedded;
using Segments.Embedded.Streaming;
using Segments.Orchestration;
using Segments.Orchestration.Jobs;

namespace Segments.Cli.Serve;

/// <summary>
/// The whole pipeline in one process: the HTTP API and pixel (the Functions app's routes), the event stream and
/// its fold, the stores and the audience sink. Each part is the embedded default unless its real service is
/// configured, with the setting names of <c>local.settings.sample.json</c>: <c>Segments:Cosmos:Endpoint</c>
/// (contacts on Cosmos DB), <c>Segments:Storage:TableServiceUri</c> or <c>…:ConnectionString</c> (catalog,
/// suppressions, memberships, drips, triggers, reports and broadcasts on Table storage), <c>Segments:Storage:BlobServiceUri</c> (audiences on Blob storage),
/// <c>Segments:EventHubs:FullyQualifiedNamespace</c> (the stream on Event Hubs).
/// </summary>
internal static class LocalHost
{
    public static (WebApplication App, LocalTenant? Tenant) Build(Uri url, string dataDirectory, string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = Directory.GetCurrentDirectory() });
        builder.WebHost.UseUrls(url.ToString());
        builder.Configuration.Sources.Insert(0, ServeLogging.Defaults);
        var configuration = builder.Configuration;
        var generated = LocalTenants.EnsureDemoTenant(configuration, dataDirectory, url);

        var services = builder.Services;
        if (!string.IsNullOrEmpty(configuration["Segments:Cosmos:Endpoint"]))
        {
            services.AddCosmosContactStore(configuration);
        }
        if (!string.IsNullOrEmpty(configuration["Segments:Storage:TableServiceUri"]) || !string.IsNullOrEmpty(configuration["Segments:Storage:ConnectionString"]))
        {
            services.AddTableStorageCatalog(configuration);
            services.AddTableStorageMembership(configuration);
            services.AddTableStorageBroadcasts(configuration);
            services.AddTableStoragePixelHits(configuration);
        }
        if (!string.IsNullOrEmpty(configuration["Segments:Storage:BlobServiceUri"]) || !string.IsNullOrEmpty(configuration["Segments:Storage:ConnectionString"]))
        {
            services.AddBlobAudienceSink(configuration);
        }
        if (!string.IsNullOrEmpty(configuration["Segments:EventHubs:FullyQualifiedNamespace"]))
        {
            services.AddEventHubsStream(configuration);
        }
        services.AddStreamFold(configuration);
        services.AddEmbeddedRuntime(dataDirectory);
        // Shutdown waits for the event log fold's bounded drain, with room for the other services' own.
        services.AddOptions<HostOptions>().Configure<IOptions<EventLogOptions>>((host, log) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(host.ShutdownTimeout.TotalSeconds, log.Value.ShutdownFoldSeconds + 20)));
        services.AddSegmentsApi(configuration);
        services.AddIngestion(configuration);
        services.AddMembershipApi();
        // Broadcasts: kept as records (the source of truth), resolved by the orchestration on an in-memory Durable Task
        // backend reachable from this process only, resumed from their records at start-up.
        services.AddInProcessDurableTask(tasks => tasks.AddAudienceResolution().AddJobs());
        services.AddBroadcastsApi();
        services.AddSingleton<IBroadcastScheduler>(provider => new DurableBroadcastScheduler(provider.GetRequiredService<DurableTaskClient>()));
        services.AddHostedService<BroadcastResumption>();
        services.AddHostedService<AudienceRetentionSweep>();
        // Jobs: recorded in the data folder (the source of truth), run by the same in-process Durable backend, resumed at start-up.
        services.AddJobsApi();
        services.AddSingleton<IJobScheduler>(provider => new DurableJobScheduler(provider.GetRequiredService<DurableTaskClient>()));
        services.AddHostedService<JobResumption>();

        var app = builder.Build();
        app.MapSegmentsApi();
        app.MapIngestionApi();
        app.MapMembershipApi();
        app.MapBroadcastsApi();
        app.MapJobsApi();
        app.MapConsole();
        return (app, generated);
    }
}
