using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Segments.Api.Tests;

/// <summary>A configured tenant of the test hosts, with its plain API key (only tests know one).</summary>
public sealed record TestTenant(string Id, string ApiKey)
{
    public static readonly TestTenant A = new("tenant-a", "a-key-4f1c9e0b7d2a6e3f8c5b1d9a");
    public static readonly TestTenant B = new("tenant-b", "b-key-9d3e7a1f5c0b8e2d6a4f9c1e");
}

/// <summary>The API hosted in-process on Kestrel at 127.0.0.1 on a free port, over the stores a test chooses.</summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the API with tenants A and B; <paramref name="stores"/> registers the stores (see <see cref="Backends"/>).</summary>
    public static async Task<ApiHost> StartAsync(Action<WebApplicationBuilder> stores, TimeProvider? time = null,
        IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings ?? TenantSettings(TestTenant.A, TestTenant.B));
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }
        stores(builder);
        builder.Services.AddSegmentsApi(builder.Configuration);
        var app = builder.Build();
        app.MapSegmentsApi();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ApiHost(app, new Uri(address));
    }

    public static IEnumerable<KeyValuePair<string, string?>> TenantSettings(params TestTenant[] tenants) =>
        tenants.SelectMany((t, i) => new Dictionary<string, string?>
        {
            [$"Segments:Tenants:{i}:Id"] = t.Id,
            [$"Segments:Tenants:{i}:ApiKey"] = t.ApiKey,
            [$"Segments:Tenants:{i}:PixelKey"] = $"pk-{t.Id}",
            [$"Segments:Tenants:{i}:TokenSecret"] = Convert.ToBase64String(Enumerable.Repeat((byte)(i + 1), 32).ToArray()),
            [$"Segments:Tenants:{i}:AllowedOrigins:0"] = $"https://{t.Id}.example",
        });

    /// <summary>A client calling as <paramref name="tenant"/> (or with no key at all).</summary>
    public HttpClient Client(TestTenant? tenant)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (tenant is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.ApiKey);
        }
        return client;
    }

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
