using System.Net;
using Segments.Core.Ports;
using Segments.Engine.Model;

namespace Segments.Core.Ingestion;

/// <summary>The request headers a trusted edge (CDN, front door) sets with the visitor's location.</summary>
public sealed class GeoHeaderNames
{
    /// <summary>ISO 3166-1 alpha-2, e.g. <c>CF-IPCountry</c>.</summary>
    public string? Country { get; set; }

    public string? Region { get; set; }

    public string? City { get; set; }

    public bool Any => Country is not null || Region is not null || City is not null;
}

/// <summary>
/// Geography from headers set by the edge in front of the API. Only sound when that edge overwrites (or strips)
/// these headers on every request, since a browser can send them too; configure it only then. A country that is
/// not two letters (the edges' "XX" and "T1" for unknown and Tor included) is no country.
/// </summary>
public sealed class TrustedHeaderGeoLocator(GeoHeaderNames names) : IGeoLocator
{
    public TextBag? Locate(IPAddress? address, Func<string, string?> header)
    {
        var code = Read(names.Country, header)?.ToUpperInvariant();
        var country = code is { Length: 2 } && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1]) && code is not ("XX" or "T1")
            ? code
            : null;
        var region = Read(names.Region, header);
        var city = Read(names.City, header);
        return country is null && region is null && city is null ? null : new TextBag(country, region, city);
    }

    private static string? Read(string? name, Func<string, string?> header) =>
        name is not null && header(name)?.Trim() is { Length: > 0 and <= EventRules.MaxContextLength } value && EventRules.IsPlainText(value)
            ? value
            : null;
}
