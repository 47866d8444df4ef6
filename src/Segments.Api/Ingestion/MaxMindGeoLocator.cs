using System.Net;
using MaxMind.GeoIP2;
using Segments.Core.Ports;
using Segments.Engine.Model;

namespace Segments.Api.Ingestion;

/// <summary>
/// Geography from a MaxMind GeoIP2 or GeoLite2 database (<c>.mmdb</c>, City or Country edition) read into memory
/// at start-up: country (ISO 3166-1 alpha-2), the most specific region's ISO code and the city name (City edition).
/// Addresses the database does not know (private, loopback, unassigned) have no geography.
/// </summary>
public sealed class MaxMindGeoLocator : IGeoLocator, IDisposable
{
    private readonly DatabaseReader _reader;
    private readonly bool _city;

    public MaxMindGeoLocator(string database)
    {
        _reader = new DatabaseReader(database, MaxMind.Db.FileAccessMode.Memory);
        _city = _reader.Metadata.DatabaseType.Contains("City", StringComparison.OrdinalIgnoreCase);
    }

    public TextBag? Locate(IPAddress? address, Func<string, string?> header)
    {
        if (address is null)
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (_city)
        {
            return _reader.TryCity(address, out var city) && city is not null
                ? Bag(city.Country.IsoCode, city.MostSpecificSubdivision.IsoCode, city.City.Name)
                : null;
        }
        return _reader.TryCountry(address, out var country) && country is not null ? Bag(country.Country.IsoCode, null, null) : null;
    }

    private static TextBag? Bag(string? country, string? region, string? city) =>
        country is null && region is null && city is null ? null : new TextBag(country, region, city);

    public void Dispose() => _reader.Dispose();
}
