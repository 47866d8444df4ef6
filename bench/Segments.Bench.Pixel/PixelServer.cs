using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segments.Api;
using Segments.Api.Ingestion;
using Segments.Core.Ports;
using Segments.Embedded.Pixel;
using Segments.Embedded.Streaming;
using Segments.TestSupport.Stores;

namespace Segments.Bench.Pixel;

/// <summary>
/// The Segments ingestion routes as <c>segments serve</c> hosts them, for one tenant, publishing into its event log
/// (a request is answered once its events are fsynced). The log is read without folding: the request path ends when
/// the stream has the events, and the fold's cost is measured apart.
/// </summary>
internal sealed class PixelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EventLog _log;
    private readonly string _folder;
    private readonly CancellationTokenSource _stop = new();
    private Task _draining = Task.CompletedTask;

    private PixelServer(WebApplication app, EventLog log, string folder)
    {
        _app = app;
        _log = log;
        _folder = folder;
    }

    public IPEndPoint EndPoint => Servers.EndPointOf(_app);

    public long Published => _log.Appended;

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
        var folder = Directory.CreateTempSubdirectory("segments-bench-pixel-").FullName;
        var log = EventLog.Open(folder, new EventLogOptions { MaxBacklog = 100_000_000 }, TimeProvider.System);
        builder.Services.AddSingleton<IEventPublisher>(log);
        builder.Services.AddSingleton<IContactStore, InMemoryContactStore>();
        builder.Services.AddSingleton<ICatalogStore, InMemoryCatalogStore>();
        builder.Services.AddSingleton<ISuppressionStore, InMemorySuppressionStore>();
        builder.Services.AddSingleton<IPixelHitLog, InMemoryPixelHitLog>();
        builder.Services.AddSegmentsApi(builder.Configuration);
        builder.Services.AddIngestion(builder.Configuration);
        var app = builder.Build();
        app.MapIngestionApi();
        await app.StartAsync();
        var server = new PixelServer(app, log, folder);
        server._draining = server.DrainAsync();
        return server;
    }

    /// <summary>Reads what the routes append, as the fold would, and marks it done at once.</summary>
    private async Task DrainAsync()
    {
        using var reader = _log.Read(0);
        try
        {
            while (true)
            {
                await reader.ReadAsync(4096, wait: true, _stop.Token);
                _log.MarkFolded(reader.Next);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _stop.CancelAsync();
        await _draining;
        await _app.DisposeAsync();
        _log.Dispose();
        _stop.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
