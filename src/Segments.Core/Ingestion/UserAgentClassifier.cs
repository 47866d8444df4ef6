using Segments.Engine.Model;

namespace Segments.Core.Ingestion;

/// <summary>How a hit was made: the device object of the language (client, type, os), and whether it was a bot.</summary>
public sealed record UserAgentInfo(string? Client, string? Type, string? Os, bool IsBot)
{
    public TextBag? ToDevice() => Client is null && Type is null && Os is null ? null : new TextBag(Client, Type, Os);
}

/// <summary>
/// Classifies User-Agent strings with ordered tables of (marker → value): the first row whose marker
/// occurs (ordinal, ignoring case) wins. Email opens come through mail clients and image proxies (Gmail,
/// Yahoo and Apple's privacy proxy hide the device); pixel hits come from browsers. Known bots, link
/// scanners and HTTP libraries are flagged so that they never count as engagement.
/// </summary>
public static class UserAgentClassifier
{
    private static readonly (string Marker, string Client)[] MailClients =
    [
        ("GoogleImageProxy", "Gmail"),
        ("ggpht.com", "Gmail"),
        ("YahooMailProxy", "Yahoo Mail"),
        ("Outlook-iOS", "Outlook"),
        ("Outlook-Android", "Outlook"),
        ("Microsoft Outlook", "Outlook"),
        ("ms-office", "Outlook"),
        ("Microsoft Office", "Outlook"),
        ("Thunderbird", "Thunderbird"),
        ("SamsungEmail", "Samsung Email"),
    ];

    private static readonly (string Marker, string Client)[] Browsers =
    [
        ("Edg/", "Edge"),
        ("EdgA/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS", "Firefox"),
        ("CriOS", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];

    private static readonly (string Marker, string Os)[] OperatingSystems =
    [
        ("Windows Phone", "Windows Phone"),
        ("Windows", "Windows"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("iPod", "iOS"),
        ("Android", "Android"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Macintosh", "macOS"),
        ("Linux", "Linux"),
    ];

    private static readonly string[] Bots =
    [
        "bot", "crawler", "spider", "slurp", "HeadlessChrome", "PhantomJS", "facebookexternalhit", "Barracuda",
        "Mimecast", "Proofpoint", "urldefense", "SafeLinks", "Forcepoint", "Symantec", "python-requests", "python-urllib",
        "curl/", "Wget", "Go-http-client", "okhttp", "Java/", "libwww", "axios/", "node-fetch", "Apache-HttpClient",
    ];

    /// <summary>Classifies a hit; <paramref name="emailOpen"/> says whether it loaded an email's open pixel.</summary>
    public static UserAgentInfo Classify(string? userAgent, bool emailOpen)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return new UserAgentInfo(null, null, null, IsBot: !emailOpen);
        }
        // Image proxies fetch on the reader's behalf: the client is known, the device is not.
        var proxy = First(MailClients, userAgent) is { } proxied && proxied is "Gmail" or "Yahoo Mail" ? proxied : null;
        if (proxy is not null)
        {
            return new UserAgentInfo(proxy, null, null, false);
        }
        var isBot = Bots.Any(marker => userAgent.Contains(marker, StringComparison.OrdinalIgnoreCase));
        var os = First(OperatingSystems, userAgent);
        var client = emailOpen ? First(MailClients, userAgent) ?? AppleMail(userAgent) : First(Browsers, userAgent);
        return new UserAgentInfo(client, DeviceType(userAgent), os, isBot);
    }

    /// <summary>Apple Mail renders with WebKit but, unlike Safari, names no browser version.</summary>
    private static string? AppleMail(string userAgent) =>
        userAgent.Contains("AppleWebKit", StringComparison.Ordinal) && !userAgent.Contains("Safari", StringComparison.Ordinal)
            && !userAgent.Contains("Chrome", StringComparison.Ordinal)
            ? "Apple Mail"
            : null;

    private static string DeviceType(string userAgent) =>
        Has(userAgent, "iPad") || Has(userAgent, "Tablet") || (Has(userAgent, "Android") && !Has(userAgent, "Mobile")) ? "tablet"
        : Has(userAgent, "Mobi") || Has(userAgent, "iPhone") || Has(userAgent, "iPod") || Has(userAgent, "Windows Phone") ? "mobile"
        : "desktop";

    private static bool Has(string text, string marker) => text.Contains(marker, StringComparison.OrdinalIgnoreCase);

    private static string? First((string Marker, string Value)[] table, string userAgent)
    {
        foreach (var (marker, value) in table)
        {
            if (Has(userAgent, marker))
            {
                return value;
            }
        }
        return null;
    }
}
