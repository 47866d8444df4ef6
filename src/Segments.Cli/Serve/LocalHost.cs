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
using Segments.Core.Ports;
using Segments.Core.Tenancy;
using Segments.Embedded;
using Segments.Embedded.Streaming;
using Segments.Hosting;
using Segments.Orchestration;
using Segments.Orchestration.Jobs;

namespace Segments.Cli.Serve;

/// <summary>
/// The whole pipeline in one process: the HTTP API and pixel (the Functions app's routes), the event stream and
/// its fold, the stores and the audience sink, composed by the root the Functions app shares
/// (<see cref="SegmentsComposition.AddSegments"/>): each part is the embedded default unless its real service is
/// configured, with the setting names of <c>local.settings.sample.json</c> (<see cref="AzureParts"/>). Its own are the
/// in-process Durable backend that runs broadcasts and jobs, and the loops that resume them and sweep old audiences.
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

        builder.Services.AddServe(configuration, dataDirectory);

        var app = builder.Build();
        app.MapSegmentsApi();
        app.MapIngestionApi();
        app.MapMembershipApi();
        app.MapBroadcastsApi();
        app.MapJobsApi();
        app.MapConsole();
        return (app, generated);
    }

    /// <summary>The services of <c>serve</c>: the shared root's, and its in-process Durable backend with the loops around it.</summary>
    internal static IServiceCollection AddServe(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.AddSegments(configuration, SegmentsHost.Serve(dataDirectory, EmbeddedRuntime.AddEmbeddedRuntime));
        // Shutdown waits for the event log fold's bounded drain, with room for the other services' own.
        services.AddOptions<HostOptions>().Configure<IOptions<EventLogOptions>>((host, log) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(host.ShutdownTimeout.TotalSeconds, log.Value.ShutdownFoldSeconds + 20)));
        // Broadcasts: kept as records (the source of truth), resolved by the orchestration on an in-memory Durable Task
        // backend reachable from this process only, resumed from their records at start-up.
        services.AddInProcessDurableTask(tasks => tasks.AddAudienceResolution().AddJobs());
        services.AddSingleton<IBroadcastScheduler>(provider => new DurableBroadcastScheduler(provider.GetRequiredService<DurableTaskClient>()));
        services.AddHostedService<BroadcastResumption>();
        services.AddHostedService<AudienceRetentionSweep>();
        // Jobs: recorded in the data folder (the source of truth), run by the same in-process Durable backend, resumed at start-up.
        services.AddSingleton<IJobScheduler>(provider => new DurableJobScheduler(provider.GetRequiredService<DurableTaskClient>()));
        services.AddHostedService<JobResumption>();
        return services;
    }
}
