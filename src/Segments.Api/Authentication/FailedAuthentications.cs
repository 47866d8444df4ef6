using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Segments.Api.Authentication;

/// <summary>Section <c>Segments:Authentication</c>: how many failed API-key checks a client address may make per window.</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Segments:Authentication";

    /// <summary>Failed checks (a missing or unknown key) allowed per address and window; a correct key is never counted.</summary>
    [Range(1, 1_000_000)]
    public int FailuresPerWindow { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Throttles guessing of API keys: each failed check (a route that needs a key called without a known one) takes a
/// permit from its client address's fixed-window limiter (ASP.NET Core's rate limiter,
/// <see cref="PartitionedRateLimiter"/>); an address without permits left is answered 429 with <c>Retry-After</c>
/// and its keys are not even checked until the window ends, so a correct guess cannot be told from a wrong one.
/// Each refusal is logged at Debug; how many there were is logged at Information once a minute, and counted on
/// the meter <c>Segments.Authentication</c>.
/// </summary>
public sealed class FailedAuthentications : IDisposable
{
    public const string MeterName = "Segments.Authentication";

    private readonly PartitionedRateLimiter<IPAddress> _limiter;
    private readonly ILogger<FailedAuthentications> _logger;
    private readonly Counter<long> _refusals;
    private readonly ITimer _report;
    private readonly TimeSpan _window;
    private long _refusedThisMinute;

    public FailedAuthentications(IOptions<ApiKeyOptions> options, TimeProvider time, IMeterFactory meters,
        ILogger<FailedAuthentications> logger)
    {
        var o = options.Value;
        _window = o.Window;
        _logger = logger;
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = o.FailuresPerWindow, Window = o.Window, QueueLimit = 0, AutoReplenishment = true }));
        _refusals = meters.Create(MeterName).CreateCounter<long>("segments.authentication.refusals", "{request}",
            "Requests refused 429 because their address failed the API-key check too often");
        _report = time.CreateTimer(_ => Report(), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    /// <summary>The window, as <c>Retry-After</c> says it (whole seconds).</summary>
    public TimeSpan RetryAfter => _window;

    /// <summary>Whether the address has used up its failures: its request is refused before its key is checked.</summary>
    public bool IsThrottled(IPAddress? address) => _limiter.GetStatistics(Key(address))?.CurrentAvailablePermits == 0;

    /// <summary>Counts a failed check; false when the address had no failure left (the request is refused 429).</summary>
    public bool TryFail(IPAddress? address)
    {
        using var lease = _limiter.AttemptAcquire(Key(address));
        return lease.IsAcquired;
    }

    /// <summary>Records a 429: a Debug line (without the address: logs keep no personal data) and the counters.</summary>
    public void Refused(string path)
    {
        Interlocked.Increment(ref _refusedThisMinute);
        _refusals.Add(1);
        _logger.LogDebug("Refused a request to {Path}: its address failed the API-key check too often", path);
    }

    private void Report()
    {
        if (Interlocked.Exchange(ref _refusedThisMinute, 0) is var refused and > 0)
        {
            _logger.LogInformation("Refused {Refused} requests in the last minute from addresses that failed the API-key check too often", refused);
        }
    }

    /// <summary>
    /// The partition of an address: IPv4 addresses one by one, IPv6 by their /64 (one host usually holds a whole /64,
    /// so counting its addresses apart would let it try 2^64 times as often). Requests without an address (an
    /// in-process test server) share one partition.
    /// </summary>
    private static IPAddress Key(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }
        if (address.IsIPv4MappedToIPv6 || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    public void Dispose()
    {
        _report.Dispose();
        _limiter.Dispose();
    }
}
