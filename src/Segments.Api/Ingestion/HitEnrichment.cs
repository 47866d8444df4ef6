using System.Net;
using Microsoft.AspNetCore.Http;
using Segments.Core.Ingestion;
using Segments.Core.Ports;

namespace Segments.Api.Ingestion;

/// <summary>
/// What the server adds to a hit from the request itself: the device and bot flag from the User-Agent, and the
/// geography from the configured locator (edge header or MaxMind). The client's address is read here for the
/// lookup and goes no further.
/// </summary>
public sealed class HitEnrichment(IGeoLocator geo, UserAgentCache agents)
{
    public PixelHit For(string contactId, HttpRequest request)
    {
        var agent = agents.Classify(request.Headers.UserAgent.ToString(), emailOpen: false);
        return new PixelHit(contactId, agent.ToDevice(), Locate(request.HttpContext.Connection.RemoteIpAddress, request), agent.IsBot);
    }

    /// <summary>An email event reported by the sending pipeline: the reader's User-Agent and address, when it passes them on.</summary>
    public (UserAgentInfo? Agent, Engine.Model.TextBag? Geo) ForEmail(string? userAgent, IPAddress? address, bool open) =>
        (userAgent is null ? null : agents.Classify(userAgent, open), address is null ? null : geo.Locate(address, NoHeaders));

    private Engine.Model.TextBag? Locate(IPAddress? address, HttpRequest request) =>
        geo.Locate(address, name => request.Headers.TryGetValue(name, out var value) ? value.ToString() : null);

    // The pipeline's own request headers say nothing about where the reader was.
    private static string? NoHeaders(string name) => null;
}
