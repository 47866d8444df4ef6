using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Segments.Api.Broadcasts;
using Segments.Azure.Audiences;
using Segments.Azure.Cosmos;
using Segments.Azure.EventHubs;
using Segments.Cli.Serve;
using Segments.Core.Ports;
using Segments.Embedded.Audiences;
using Segments.Embedded.Contacts;
using Segments.Orchestration;
using Segments.TestSupport.Composition;

namespace Segments.Cli.Tests.Serve;

/// <summary><c>serve</c>'s services as <c>LocalHost</c> composes them, each part embedded or, when configured, on its Azure service.</summary>
public sealed class ServeCompositionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-composition-").FullName;

    [Fact]
    public async Task Every_service_serve_registers_resolves_with_every_part_embedded()
    {
        await using var app = Build([]);

        Assert.Contains(typeof(IBroadcastScheduler), app.Resolved);
        Assert.IsType<SqliteContactStore>(app.Services.GetRequiredService<IContactStore>());
        Assert.IsType<FolderAudienceSink>(app.Services.GetRequiredService<IAudienceSink>());
        Assert.NotNull(app.Services.GetRequiredService<BroadcastHandlers>());
    }

    [Fact]
    public async Task Every_service_serve_registers_resolves_with_every_part_on_its_azure_service()
    {
        // Nothing is reached: the clients connect on first use.
        await using var app = Build([
            "--Segments:Cosmos:Endpoint=https://127.0.0.1:8081/",
            "--Segments:Storage:ConnectionString=UseDevelopmentStorage=true",
            "--Segments:EventHubs:FullyQualifiedNamespace=segments-local.servicebus.windows.net",
            "--Segments:EventHubs:HubName=contact-events",
            "--Segments:EventHubs:ConsumerGroup=fold",
        ]);

        Assert.IsType<CosmosContactStore>(app.Services.GetRequiredService<IContactStore>());
        Assert.IsType<BlobAudienceSink>(app.Services.GetRequiredService<IAudienceSink>());
        Assert.IsType<EventHubsPublisher>(app.Services.GetRequiredService<IEventPublisher>());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Composed Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, EnvironmentName = Environments.Production });
        builder.Host.UseDefaultServiceProvider(o => (o.ValidateOnBuild, o.ValidateScopes) = (true, true));
        LocalTenants.EnsureDemoTenant(builder.Configuration, _folder, new Uri("http://127.0.0.1:1/"));
        var host = builder.Services.ToList();
        builder.Services.AddServe(builder.Configuration, _folder);
        var app = builder.Build();
        return new Composed(app, Registrations.ResolveEach(builder.Services.Except(host), app.Services));
    }

    private sealed record Composed(WebApplication App, IReadOnlyList<Type> Resolved) : IAsyncDisposable
    {
        public IServiceProvider Services => App.Services;

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
