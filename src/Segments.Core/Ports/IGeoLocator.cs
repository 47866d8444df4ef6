using System.Net;
using Segments.Engine.Model;

namespace Segments.Core.Ports;

/// <summary>
/// Where a hit came from (the language's geo object: country, region, city), found by the server from the
/// connection or from a header its trusted edge sets, never from anything the browser sends. The address is
/// used for the lookup only: it is neither stored nor logged.
/// </summary>
public interface IGeoLocator
{
    /// <summary>The hit's geography, or null when unknown. <paramref name="header"/> reads a request header (null when absent).</summary>
    TextBag? Locate(IPAddress? address, Func<string, string?> header);
}

/// <summary>No geography (neither a database nor an edge header is configured).</summary>
public sealed class NoGeoLocator : IGeoLocator
{
    public TextBag? Locate(IPAddress? address, Func<string, string?> header) => null;
}
