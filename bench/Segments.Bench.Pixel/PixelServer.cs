using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segments.Api;
using Segments.Api.Ingestion;
using Segments.Core.Catalog;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Core.Suppressions;

namespace Segments.Bench.Pixel;

/// <summary>
/// The Segments ingestion routes as <c>segments serve</c> hosts them, for one tenant, publishing into the in-process
/// stream. The stream is drained without folding: in production the fold runs behind Event Hubs, on other machines,
/// so the request path ends when the stream has the events.
/// </summary>
internal sealed class PixelServer : IAsyncDisposable, IStreamBatchHandler
{
    private readonly WebApplication _app;
    private readonly InProcessEventStream _stream;
    private readonly CancellationTokenSource _stop = new();
    private Task _draining = Task.CompletedTask;
    private long _published;

    private PixelServer(WebApplication app, InProcessEventStream stream)
    {
        _app = app;
        _stream = stream;
    }

    public IPEndPoint EndPoint => Servers.EndPointOf(_app);

    public long Published => Interlocked.Read(ref _published);

    public static async Task<PixelServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Segments:Tenants:0:Id"] = "bench",
            ["Segments:Tenants:0:ApiKey"] = "bench-api-key-0123456789abcdef",
            ["Segments:Tenants:0:PixelKey"] = Requests.PixelKey,
            ["Segments:Tenants:0:TokenSecret"] = Convert.ToBase64String(new byte[32]),
            ["Segments:Tenants:0:AllowedOrigins:0"] = Requests.Origin,
        });
        var stream = new InProcessEventStream();
        builder.Services.AddSingleton<IEventPublisher>(stream);
        builder.Services.AddSingleton<IContactStore, InMemoryContactStore>();
        builder.Services.AddSingleton<ICatalogStore, InMemoryCatalogStore>();
        builder.Services.AddSingleton<ISuppressionStore, InMemorySuppressionStore>();
        builder.Services.AddSegmentsApi(builder.Configuration);
        builder.Services.AddIngestion(builder.Configuration);
        var app = builder.Build();
        app.MapIngestionApi();
        await app.StartAsync();
        var server = new PixelServer(app, stream);
        server._draining = stream.RunAsync(server, TimeProvider.System, cancellationToken: server._stop.Token);
        return server;
    }

    public Task<StreamFoldResult> HandleAsync(IReadOnlyList<StreamMessage> batch, CancellationToken cancellationToken = default)
    {
        Interlocked.Add(ref _published, batch.Count);
        return Task.FromResult(StreamFoldResult.Empty);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        _stream.Complete();
        await _draining;
        await _app.DisposeAsync();
        _stop.Dispose();
    }
}
