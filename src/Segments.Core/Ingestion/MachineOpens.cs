using System.Net;

namespace Segments.Core.Ingestion;

/// <summary>
/// Recognises email opens fetched by a machine rather than a person (segment language v2, "Machine opens"), from what
/// the sending pipeline passes on about the fetch (<c>userAgent</c>, <c>ip</c> of <c>POST /api/events</c>). The rules:
/// <list type="bullet">
/// <item>Apple Mail Privacy Protection: Apple's proxy prefetches every image from Apple's own network, 17.0.0.0/8 (the
/// block registered to Apple, from which Apple documents its mail proxy fetches), with the bare User-Agent
/// <c>Mozilla/5.0</c>. Either one marks the open.</item>
/// <item>Security scanners (mail gateways that open and follow everything to inspect it): the User-Agent names one of
/// <see cref="Scanners"/>. For clicks these are link scanners, flagged as bots (never engagement); for opens they are
/// machine opens, which a segment may choose to count.</item>
/// </list>
/// A sender that knows better sets <c>properties.machine</c> itself; ingestion never overrides it.
/// </summary>
public static class MachineOpens
{
    /// <summary>The User-Agent Apple's mail proxy sends: nothing but the product token.</summary>
    public const string AppleProxyUserAgent = "Mozilla/5.0";

    /// <summary>Mail security gateways that fetch messages' images to inspect them.</summary>
    public static readonly IReadOnlyList<string> Scanners =
        ["Barracuda", "Mimecast", "Proofpoint", "urldefense", "SafeLinks", "Forcepoint", "Symantec"];

    private static readonly IPNetwork AppleNetwork = IPNetwork.Parse("17.0.0.0/8");

    /// <summary>Why an open is a machine's (a short phrase for logs and docs), or null when it looks like a person's.</summary>
    public static string? Recognise(string? userAgent, IPAddress? address)
    {
        if (address is not null && AppleNetwork.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address))
        {
            return "Apple Mail Privacy Protection (Apple's network)";
        }
        if (userAgent is not null && userAgent.Trim() == AppleProxyUserAgent)
        {
            return "Apple Mail Privacy Protection (proxy User-Agent)";
        }
        if (userAgent is not null && IsScanner(userAgent))
        {
            return "security scanner";
        }
        return null;
    }

    public static bool IsScanner(string userAgent) => Scanners.Any(s => userAgent.Contains(s, StringComparison.OrdinalIgnoreCase));
}
