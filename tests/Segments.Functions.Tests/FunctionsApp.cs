using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.TestSupport.Stores;

namespace Segments.Functions.Tests;

/// <summary>The Functions app's services as <c>Program</c> composes them, over the sample settings, with in-memory stores.</summary>
internal static class FunctionsApp
{
    public const string TenantA = "tenant-a";
    public const string KeyA = "a-key-4f1c9e0b7d2a6e3f8c5b1d9a";
    public const string KeyB = "b-key-9d3e7a1f5c0b8e2d6a4f9c1e";

    /// <summary>The values of <c>local.settings.sample.json</c>, as the host hands them to the worker (<c>__</c> read as <c>:</c>).</summary>
    public static Dictionary<string, string?> SampleSettings() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "local.settings.sample.json")))!["Values"]!.AsObject()
            .ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value!.GetValue<string>());

    /// <param name="time">The clock of the app, if not the system's.</param>
    public static ServiceProvider Services(TimeProvider? time = null)
    {
        var settings = SampleSettings();
        foreach (var key in settings.Keys.Where(k => k.StartsWith("Segments:Tenants:", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(key);
        }
        Tenant(settings, 0, TenantA, KeyA);
        Tenant(settings, 1, "tenant-b", KeyB);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = Host(configuration);
        services.AddSegmentsFunctions(configuration);
        services.AddSingleton<ICatalogStore, InMemoryCatalogStore>();
        services.AddSingleton<ISuppressionStore, InMemorySuppressionStore>();
        services.AddSingleton<IContactStore>(new InMemoryContactStore());
        services.AddSingleton<IMembershipStore, InMemoryMembershipStore>();
        services.AddSingleton<IConsumerStore, InMemoryConsumerStore>();
        services.AddSingleton<IReportStore, InMemoryReportStore>();
        services.AddSingleton<IJobStore, InMemoryJobStore>();
        services.AddSingleton<IImportSpool, InMemoryImportSpool>();
        services.AddSingleton<IMembershipChangePublisher, RecordedChanges>(); // Event Hubs has no local server
        if (time is not null)
        {
            services.AddSingleton(time);
        }
        return services.BuildServiceProvider();
    }

    /// <summary>The changes the app published, in order, in place of the membership-changes hub.</summary>
    public sealed class RecordedChanges : IMembershipChangePublisher
    {
        public List<(string Tenant, MembershipChange Change)> Published { get; } = [];

        public Task PublishAsync(string tenant, IReadOnlyList<MembershipChange> changes, CancellationToken cancellationToken)
        {
            lock (Published)
            {
                Published.AddRange(changes.Select(c => (tenant, c)));
            }
            return Task.CompletedTask;
        }
    }

    /// <summary>What the worker's host provides the app with.</summary>
    public static IServiceCollection Host(IConfiguration configuration) => new ServiceCollection()
        .AddLogging()
        .AddSingleton(configuration)
        .AddSingleton<IHostEnvironment>(new HostingEnvironment { ApplicationName = "Segments.Functions", EnvironmentName = Environments.Production });

    /// <summary>The shared route table (<c>ApiRouteTable</c>: the routes of <c>Segments.Api</c> the Functions app serves and describes in OpenAPI), as "METHOD /path".</summary>
    public static IReadOnlySet<string> RouteTable(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .ToHashSet();

    /// <summary>A request as the Functions host hands it to the worker, with its own service scope.</summary>
    public static HttpContext Request(IServiceProvider services, string method, string path, string? apiKey = null, string? json = null)
    {
        var context = new DefaultHttpContext { RequestServices = services.CreateScope().ServiceProvider };
        context.Request.Method = method;
        context.Request.Path = path;
        if (apiKey is not null)
        {
            context.Request.Headers.Authorization = $"Bearer {apiKey}";
        }
        if (json is not null)
        {
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        }
        context.Response.Body = new MemoryStream();
        return context;
    }

    /// <summary>Runs the function's result as the worker would and returns the status and the body.</summary>
    public static async Task<(int Status, string Body)> ExecuteAsync(HttpContext context, IResult result)
    {
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    private static void Tenant(Dictionary<string, string?> settings, int i, string id, string key)
    {
        settings[$"Segments:Tenants:{i}:Id"] = id;
        settings[$"Segments:Tenants:{i}:ApiKey"] = key;
        settings[$"Segments:Tenants:{i}:PixelKey"] = $"pk-{id}";
        settings[$"Segments:Tenants:{i}:TokenSecret"] = Convert.ToBase64String(Enumerable.Repeat((byte)(i + 1), 32).ToArray());
        settings[$"Segments:Tenants:{i}:AllowedOrigins:0"] = $"https://{id}.example";
    }
}

/// <summary>
/// The Durable backend the Functions host would bind to the app's functions, in process: its worker runs the job
/// orchestration with the app's own <see cref="Segments.Orchestration.Jobs.JobWork"/>, and its client is the one a
/// <c>[DurableClient]</c> parameter receives.
/// </summary>
internal static class FunctionsDurable
{
    public static Task<Microsoft.DurableTask.Testing.DurableTaskTestHost> StartAsync(IServiceProvider app) =>
        Microsoft.DurableTask.Testing.DurableTaskTestHost.StartAsync(tasks => Segments.Orchestration.Jobs.JobTasks.AddJobs(tasks),
            new Microsoft.DurableTask.Testing.DurableTaskTestHostOptions
            {
                Port = Segments.TestSupport.LoopbackPorts.Free(),
                ConfigureServices = services => services.AddSingleton(app.GetRequiredService<Segments.Orchestration.Jobs.JobWork>()).AddLogging(),
            });

}
