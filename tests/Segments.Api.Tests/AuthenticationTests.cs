using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Segments.Core.Ports;
using Segments.Core.Tenancy;

namespace Segments.Api.Tests;

public sealed class AuthenticationTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    // Every route is called without a key and with a wrong one: more failures than one address may make by default.
    public async Task InitializeAsync() => _host = await ApiHost.StartAsync(Backends.InMemory,
        settings: ApiHost.TenantSettings(TestTenant.A, TestTenant.B).Append(new("Segments:Authentication:FailuresPerWindow", "1000")));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Every_route_but_the_openapi_document_needs_a_known_key()
    {
        using var anonymous = _host.Client(null);
        using var unknown = _host.Client(new TestTenant("tenant-a", "not-a-key-of-anyone-at-all-000"));
        foreach (var route in Routes.All)
        {
            var missing = await anonymous.CallAsync(route);
            await missing.ProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
            await (await unknown.CallAsync(route)).ProblemAsync(HttpStatusCode.Unauthorized);
        }
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/openapi.json")).StatusCode);
    }

    [Fact]
    public async Task A_wrong_key_is_told_apart_from_a_missing_one_without_a_word_about_tenants()
    {
        using var anonymous = _host.Client(null);
        using var wrong = _host.Client(new TestTenant("tenant-a", "not-a-key-of-anyone-at-all-000"));

        var missing = await anonymous.GetAsync("/api/segments");
        var unknown = await wrong.GetAsync("/api/segments");

        var missingProblem = await missing.ProblemAsync(HttpStatusCode.Unauthorized);
        var unknownProblem = await unknown.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("An API key is required", missingProblem.Body.GetProperty("title").GetString());
        Assert.Equal("Unknown API key", unknownProblem.Body.GetProperty("title").GetString());
        Assert.StartsWith("unknown API key", Assert.Single(unknownProblem.Errors).Message, StringComparison.Ordinal);
        Assert.Equal("error=\"invalid_token\"", unknown.Headers.WwwAuthenticate.Single().Parameter);
        Assert.DoesNotContain("tenant", unknownProblem.Body.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_address_that_fails_too_often_is_refused_429_even_with_the_right_key_until_its_window_ends()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new LogCapture();
        var settings = ApiHost.TenantSettings(TestTenant.A, TestTenant.B).Concat(new Dictionary<string, string?>
        {
            ["Segments:Authentication:FailuresPerWindow"] = "3",
            ["Segments:Authentication:Window"] = "00:00:03",
        });
        await using var host = await ApiHost.StartAsync(builder =>
        {
            Backends.InMemory(builder);
            builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        }, time, settings);
        using var wrong = host.Client(new TestTenant("tenant-a", "not-a-key-of-anyone-at-all-000"));
        using var right = host.Client(TestTenant.A);
        using var anonymous = host.Client(null);

        await (await wrong.GetAsync("/api/segments")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync("/api/segments")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await wrong.GetAsync("/api/schema")).ProblemAsync(HttpStatusCode.Unauthorized);
        var refused = await wrong.GetAsync("/api/segments");
        var rightButThrottled = await right.GetAsync("/api/segments");

        await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        await rightButThrottled.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(2, logs.Lines(LogLevel.Debug).Count(l => l.Contains("failed the API-key check too often", StringComparison.Ordinal)));
        Assert.Empty(logs.Lines(LogLevel.Information));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("Refused 2 requests in the last minute from addresses that failed the API-key check too often",
            Assert.Single(logs.Lines(LogLevel.Information)));
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        Assert.Equal(HttpStatusCode.OK, (await right.GetAsync("/api/segments")).StatusCode);
    }

    [Fact]
    public async Task An_entra_principal_of_app_service_authentication_acts_for_the_configured_tenant_only_when_configured()
    {
        var trusting = ApiHost.TenantSettings(TestTenant.A, TestTenant.B).Append(new("Segments:EntraCallers:Tenant", "tenant-a"));
        await using var deployed = await ApiHost.StartAsync(Backends.InMemory, settings: trusting);
        using var signedIn = EntraCaller(deployed);
        using var forged = EntraCaller(_host);

        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/api/segments")).StatusCode);
        // Without the setting (segments serve), the headers are anyone's to send: never trusted.
        await (await forged.GetAsync("/api/segments")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>A request as App Service passes it on once it has validated the user's Entra ID token.</summary>
    private static HttpClient EntraCaller(ApiHost host)
    {
        var client = host.Client(null);
        client.DefaultRequestHeaders.Add("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl");
        client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL-IDP", "aad");
        client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL-ID", "00000000-0000-0000-0000-0000000000aa");
        return client;
    }

    [Fact]
    public void The_route_list_of_the_tests_is_every_route_behind_a_key()
    {
        var mapped = _host.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAuthorizeData>() is not null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"));

        Assert.Equal(Routes.All.Select(r => $"{r.Method} {r.Pattern}").Order(), mapped.Order());
    }

    [Fact]
    public async Task A_bad_tenant_list_stops_the_host_at_start()
    {
        var settings = ApiHost.TenantSettings(TestTenant.A, TestTenant.A with { Id = "Tenant B!" }).ToDictionary();
        settings["Segments:Tenants:1:ApiKey"] = "short";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ApiHost.StartAsync(Backends.InMemory, settings: settings));

        Assert.Contains("Segments:Tenants:1:Id", error.Message);
        Assert.Contains("Segments:Tenants:1:ApiKey", error.Message);
        Assert.DoesNotContain("short", error.Message);
    }

    [Fact]
    public async Task The_directory_finds_a_tenant_by_its_key_only()
    {
        var directory = _host.Get<ITenantDirectory>();

        var a = await directory.FindByApiKeyAsync(TestTenant.A.ApiKey);

        Assert.Equal("tenant-a", a?.Id);
        Assert.Equal("tenant-a", a?.ToString());
        Assert.Equal(32, a?.TokenSecret.Length);
        Assert.Equal("tenant-b", (await directory.FindByApiKeyAsync(TestTenant.B.ApiKey))?.Id);
        Assert.Null(await directory.FindByApiKeyAsync(TestTenant.A.ApiKey + " "));
        Assert.Null(await directory.FindByApiKeyAsync("tenant-a"));
    }

    [Fact]
    public async Task The_openapi_document_describes_every_route_and_the_key()
    {
        using var anonymous = _host.Client(null);

        var document = await (await anonymous.GetAsync("/api/openapi.json")).JsonAsync();

        var paths = document.GetProperty("paths");
        foreach (var route in Routes.All)
        {
            Assert.True(paths.GetProperty(route.Pattern).TryGetProperty(route.Method.ToLowerInvariant(), out _), route.ToString());
        }
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("apiKey").GetProperty("scheme").GetString());
    }
}

/// <summary>The log lines of a host, by category and level, as written.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly List<(string Category, LogLevel Level, string Line)> _lines = [];

    /// <summary>The lines of a level written by the API's authentication.</summary>
    public IReadOnlyList<string> Lines(LogLevel level)
    {
        lock (_lines)
        {
            return [.. _lines.Where(l => l.Level == level && l.Category.StartsWith("Segments.Api.Authentication", StringComparison.Ordinal)).Select(l => l.Line)];
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (capture._lines)
            {
                capture._lines.Add((category, logLevel, formatter(state, exception)));
            }
        }
    }
}
