using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segments.Api.Http;
using Segments.Core.Ports;

namespace Segments.Api.Authentication;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c>: the key's tenant becomes the caller's <see cref="TenantClaim"/>, the
/// only place handlers take the tenant from. A missing key and an unknown one are each answered 401 with a problem
/// saying which (and nothing about tenants); an address that failed too often is answered 429
/// (<see cref="FailedAuthentications"/>).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder, ITenantDirectory tenants,
    FailedAuthentications failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, new WarningsOnly(loggers), encoder)
{
    private readonly ILogger _log = loggers.CreateLogger<ApiKeyAuthenticationHandler>();

    public const string SchemeName = "ApiKey";
    public const string TenantClaim = "segments:tenant";

    private const string Throttled = "throttled";
    private const string UnknownKey = "unknown API key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        if (failures.IsThrottled(Context.Connection.RemoteIpAddress))
        {
            return AuthenticateResult.Fail(Throttled);
        }
        var tenant = await tenants.FindByApiKeyAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (tenant is null)
        {
            _log.LogDebug("Refused an unknown API key on {Path}", Request.Path); // No address: the logs keep no personal data.
            return AuthenticateResult.Fail(UnknownKey);
        }
        var identity = new ClaimsIdentity([new Claim(TenantClaim, tenant.Id)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var outcome = await HandleAuthenticateOnceSafeAsync();
        if (outcome.Failure?.Message == Throttled || !failures.TryFail(Context.Connection.RemoteIpAddress))
        {
            failures.Refused(Request.Path);
            Response.Headers.RetryAfter = ((int)Math.Ceiling(failures.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Problems.Refusal(StatusCodes.Status429TooManyRequests, "Too many failed API-key checks", "$",
                $"this address sent a missing or unknown API key too often; try again in {failures.RetryAfter.TotalSeconds:0} seconds").ExecuteAsync(Context);
            return;
        }
        if (outcome.Failure?.Message == UnknownKey)
        {
            Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await Problems.Refusal(StatusCodes.Status401Unauthorized, "Unknown API key", "$",
                "unknown API key: send a key this service issued, as 'Authorization: Bearer <key>'").ExecuteAsync(Context);
            return;
        }
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Refusal(StatusCodes.Status401Unauthorized, "An API key is required",
            "$", "send the tenant's API key as 'Authorization: Bearer <key>'").ExecuteAsync(Context);
    }

    /// <summary>
    /// The base handler logs each request it did not authenticate and each challenge at Information: three lines per
    /// guessed key. A failed key is routine here (counted, throttled, logged at Debug above), so its logger passes
    /// warnings and errors only.
    /// </summary>
    private sealed class WarningsOnly(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new Filter(inner.CreateLogger(categoryName));

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose()
        {
            // The inner factory belongs to the host.
        }

        private sealed class Filter(ILogger inner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && inner.IsEnabled(logLevel);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    inner.Log(logLevel, eventId, state, exception, formatter);
                }
            }
        }
    }
}
