using Segments.Core.Ingestion;
using Segments.Core.Ports;
using Segments.Engine.Model;

namespace Segments.Core.Tests.Ingestion;

public class TrustedHeaderGeoLocatorTests
{
    private static readonly TrustedHeaderGeoLocator Locator = new(new GeoHeaderNames { Country = "CF-IPCountry", Region = "X-Region", City = "X-City" });

    private static TextBag? Locate(params (string Name, string Value)[] headers) =>
        Locator.Locate(null, name => headers.FirstOrDefault(h => h.Name == name).Value);

    [Fact]
    public void The_edges_headers_give_country_region_and_city() =>
        Assert.Equal(new TextBag("DE", "BE", "Berlin"), Locate(("CF-IPCountry", "de"), ("X-Region", "BE"), ("X-City", " Berlin ")));

    [Theory]
    [InlineData("XX")]
    [InlineData("T1")]
    [InlineData("DEU")]
    [InlineData("1A")]
    [InlineData("")]
    public void Unknown_or_malformed_countries_are_no_country(string country) => Assert.Null(Locate(("CF-IPCountry", country)));

    [Fact]
    public void Values_with_control_characters_or_too_long_are_left_out_and_no_headers_is_no_geography()
    {
        Assert.Equal(new TextBag("FR", null, null), Locate(("CF-IPCountry", "FR"), ("X-City", "Pa\u0000ris"), ("X-Region", new string('r', 200))));
        Assert.Null(Locate());
        Assert.Null(new NoGeoLocator().Locate(System.Net.IPAddress.Loopback, _ => "DE"));
    }
}
