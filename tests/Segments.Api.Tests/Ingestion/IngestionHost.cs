using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segments.Api.Ingestion;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Core.Tenancy;
using Segments.Embedded.Pixel;
using Segments.TestSupport.Stores;

namespace Segments.Api.Tests.Ingestion;

/// <summary>
/// The ingestion routes hosted in-process on Kestrel at 127.0.0.1 on a free port, for tenants A and B of
/// <see cref="ApiHost"/> (pixel keys <c>pk-tenant-a</c>, <c>pk-tenant-b</c>; origins <c>https://tenant-a.example</c>,
/// <c>https://tenant-b.example</c>), publishing to the publisher a test gives and reading visitors from its store.
/// </summary>
public sealed class IngestionHost : IAsyncDisposable
{
    public const string OriginA = "https://tenant-a.example";
    public const string PixelKeyA = "pk-tenant-a";

    private readonly WebApplication _app;

    private IngestionHost(WebApplication app, Uri address, MetricsRecorder metrics)
    {
        _app = app;
        Address = address;
        Metrics = metrics;
    }

    public Uri Address { get; }

    public MetricsRecorder Metrics { get; }

    public static async Task<IngestionHost> StartAsync(IEventPublisher publisher, IContactStore? contacts = null, TimeProvider? time = null,
        IEnumerable<KeyValuePair<string, string?>>? settings = null, IDeadLetterStore? letters = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(ApiHost.TenantSettings(TestTenant.A, TestTenant.B).Concat(settings ?? []));
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }
        builder.Services.AddSingleton<ICatalogStore, InMemoryCatalogStore>();
        builder.Services.AddSingleton<ISuppressionStore, InMemorySuppressionStore>();
        builder.Services.AddSingleton(contacts ?? new InMemoryContactStore());
        builder.Services.AddSingleton(letters ?? new InMemoryDeadLetterStore());
        builder.Services.AddSingleton(publisher);
        builder.Services.AddSingleton<IPixelHitLog, InMemoryPixelHitLog>();
        builder.Services.AddSegmentsApi(builder.Configuration);
        builder.Services.AddIngestion(builder.Configuration);
        var app = builder.Build();
        app.MapIngestionApi();
        var metrics = new MetricsRecorder(app.Services.GetRequiredService<IMeterFactory>());
        try
        {
            await app.StartAsync();
        }
        catch
        {
            metrics.Dispose();
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new IngestionHost(app, new Uri(address), metrics);
    }

    /// <summary>A client calling as <paramref name="tenant"/> (the pixel routes need no key).</summary>
    public HttpClient Client(TestTenant? tenant = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (tenant is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tenant.ApiKey);
        }
        return client;
    }

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>The secret tenant A's tokens are signed with (see <see cref="ApiHost.TenantSettings"/>).</summary>
    public Tenant TenantA => Get<PixelTenants>().ById(TestTenant.A.Id)!.Tenant;

    public async ValueTask DisposeAsync()
    {
        Metrics.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Publishes nothing: keeps what it was given, or fails when told to (the stream being down).</summary>
public sealed class RecordingPublisher : IEventPublisher
{
    private readonly List<OutgoingEvent> _events = [];

    public bool Fail { get; set; }

    public IReadOnlyList<OutgoingEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken = default)
    {
        if (Fail)
        {
            throw new InvalidOperationException("the stream is down");
        }
        lock (_events)
        {
            _events.AddRange(events);
        }
        return Task.CompletedTask;
    }
}

/// <summary>Sums the ingestion counters of one host (its own meter factory), by instrument and tags.</summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _totals = [];

    public MetricsRecorder(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == IngestionMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + string.Concat(tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $";{t.Key}={t.Value}"));
            lock (_totals)
            {
                _totals[key] = _totals.GetValueOrDefault(key) + value;
            }
        });
        _listener.Start();
    }

    /// <summary>Events counted for a source with an outcome (accepted or rejected).</summary>
    public long Events(string source, string outcome) => Total($"segments.ingestion.events;outcome={outcome};source={source}");

    /// <summary>Requests refused for a source and reason.</summary>
    public long Refusals(string source, string reason) => Total($"segments.ingestion.refusals;reason={reason};source={source}");

    /// <summary>All refusals of a source, whatever the reason.</summary>
    public long Refusals(string source)
    {
        lock (_totals)
        {
            return _totals.Where(t => t.Key.StartsWith("segments.ingestion.refusals;", StringComparison.Ordinal) && t.Key.EndsWith($";source={source}",
                StringComparison.Ordinal)).Sum(t => t.Value);
        }
    }

    private long Total(string key)
    {
        lock (_totals)
        {
            return _totals.GetValueOrDefault(key);
        }
    }

    public void Dispose() => _listener.Dispose();
}
