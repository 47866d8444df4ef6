using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segments.Api;
using Segments.Api.Broadcasts;
using Segments.Api.Jobs;
using Segments.Api.Membership;
using Segments.Core.Hosting;
using Segments.Core.Ports;
using Segments.Embedded;
using Segments.Orchestration.Jobs;

namespace Segments.Orchestration.Tests.Lifecycle;

/// <summary>
/// The API composed as <c>segments serve</c> composes it: the routes of segments, contacts, memberships, broadcasts and
/// jobs, the orchestrations on the in-memory Durable Task backend, and the embedded stores in a fresh data folder, each
/// replaced by the real service a test registers first (Cosmos DB, Table and Blob storage on the emulators).
/// </summary>
public sealed class LifecycleHost : IAsyncDisposable
{
    public const string Tenant = "tenant-a";
    public const string Key = "a-key-4f1c9e0b7d2a6e3f8c5b1d9a";

    private readonly WebApplication _app;
    private readonly string _folder;

    private LifecycleHost(WebApplication app, string folder, Uri address)
    {
        _app = app;
        _folder = folder;
        Api = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
    }

    public HttpClient Api { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<LifecycleHost> StartAsync(Action<IServiceCollection> realServices)
    {
        var folder = Directory.CreateTempSubdirectory("segments-lifecycle-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Segments:Tenants:0:Id"] = Tenant,
            ["Segments:Tenants:0:ApiKey"] = Key,
            ["Segments:Tenants:0:PixelKey"] = "pk-a",
            ["Segments:Tenants:0:TokenSecret"] = Convert.ToBase64String(new byte[32]),
            ["Segments:Tenants:0:AllowedOrigins:0"] = "https://a.example",
        });
        var services = builder.Services;
        realServices(services);
        services.AddStreamFold(builder.Configuration);
        services.AddEmbeddedRuntime(folder);
        services.AddSegmentsApi(builder.Configuration).AddMembershipApi().AddBroadcastsApi().AddJobsApi();
        // The sidecar's own random default (30000 to 40000) reaches into the ephemeral range other connections draw from.
        services.AddInMemoryDurableTask(tasks => tasks.AddAudienceResolution().AddJobs(),
            new InMemoryDurableTaskOptions { Port = Segments.TestSupport.LoopbackPorts.Free() });
        services.AddSingleton<IJobScheduler>(provider => new DurableJobScheduler(provider.GetRequiredService<DurableTaskClient>()));
        services.AddSingleton<IBroadcastScheduler>(provider => new DurableBroadcastScheduler(provider.GetRequiredService<DurableTaskClient>()));
        var app = builder.Build();
        app.MapSegmentsApi();
        app.MapMembershipApi();
        app.MapBroadcastsApi();
        app.MapJobsApi();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return new LifecycleHost(app, folder, address);
    }

    /// <summary>The JSON body of a response that must have the given status.</summary>
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> PutAsync(string path, string json, HttpStatusCode expected = HttpStatusCode.Created) =>
        await JsonAsync(await Api.PutAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json")), expected);

    /// <summary>Polls a job until it ends; its last view.</summary>
    public async Task<JsonElement> JobAsync(string id, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var job = await JsonAsync(await Api.GetAsync($"/api/jobs/{id}"));
            if (job.GetProperty("status").GetString() is "completed" or "failed")
            {
                return job;
            }
            if (DateTime.UtcNow > deadline)
            {
                var state = await Services.GetRequiredService<DurableTaskClient>().GetInstanceAsync(DurableJobScheduler.InstanceId(Tenant, id), true);
                Assert.Fail($"job {id} did not end: {job}; its orchestration: {state?.RuntimeStatus} {state?.FailureDetails?.ErrorMessage}");
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
