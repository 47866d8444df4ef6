using Segments.Api.Ingestion;

namespace Segments.Api.Tests.Ingestion;

/// <summary>
/// The MaxMind locator as far as it can be tested without a GeoIP2 database (none is bundled or downloadable here):
/// the configuration is checked at start-up, and a file that is not a MaxMind database is refused there too.
/// A real lookup (country, region, city of an address) is not exercised by any test.
/// </summary>
public class GeoOptionsTests
{
    [Fact]
    public async Task A_missing_database_or_two_geo_sources_stop_the_host_at_start()
    {
        var missing = await Assert.ThrowsAnyAsync<Exception>(() => IngestionHost.StartAsync(new RecordingPublisher(), settings: new Dictionary<string, string?>
        {
            ["Segments:Ingestion:MaxMindDatabase"] = "/nonexistent/GeoLite2-City.mmdb",
        }));
        Assert.Contains("MaxMindDatabase", missing.Message, StringComparison.Ordinal);

        var both = Path.GetTempFileName();
        try
        {
            var twice = await Assert.ThrowsAnyAsync<Exception>(() => IngestionHost.StartAsync(new RecordingPublisher(), settings: new Dictionary<string, string?>
            {
                ["Segments:Ingestion:MaxMindDatabase"] = both,
                ["Segments:Ingestion:GeoHeaders:Country"] = "CF-IPCountry",
            }));
            Assert.Contains("not both", twice.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(both);
        }
    }

    [Fact]
    public void A_file_that_is_not_a_maxmind_database_is_refused()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, new byte[4096]);
            Assert.ThrowsAny<Exception>(() => new MaxMindGeoLocator(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Limits_out_of_range_stop_the_host_at_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => IngestionHost.StartAsync(new RecordingPublisher(), settings: new Dictionary<string, string?>
        {
            ["Segments:Ingestion:Limits:MaxCollectEvents"] = "0",
            ["Segments:Tenants:0:AllowedOrigins:1"] = "https://tenant-a.example/path",
        }));
        Assert.Contains("MaxCollectEvents", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowedOrigins:1", error.Message, StringComparison.Ordinal);
    }
}
