using Segments.Core.Ingestion;

namespace Segments.Core.Tests.Ingestion;

public class UserAgentClassifierTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)", "Gmail", null, null)]
    [InlineData("YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html", "Yahoo Mail", null, null)]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)", "Apple Mail", "desktop", "macOS")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", "Apple Mail", "mobile", "iOS")]
    [InlineData("Mozilla/4.0 (compatible; ms-office; MSOffice 16)", "Outlook", "desktop", null)]
    [InlineData("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)", "Outlook", "desktop", "Windows")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.5.0", "Thunderbird", "desktop", "Linux")]
    public void Email_opens_name_the_mail_client(string userAgent, string client, string? type, string? os)
    {
        var info = UserAgentClassifier.Classify(userAgent, emailOpen: true);
        Assert.Equal((client, type, os, false), (info.Client, info.Type, info.Os, info.IsBot));
    }

    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome", "desktop", "Windows")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge", "desktop", "Windows")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15", "Safari", "desktop", "macOS")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "Safari", "mobile", "iOS")]
    [InlineData("Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", "Chrome", "tablet", "iPadOS")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36", "Chrome", "mobile", "Android")]
    [InlineData("Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome", "tablet", "Android")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "Samsung Internet", "mobile", "Android")]
    [InlineData("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox", "desktop", "Linux")]
    [InlineData("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome", "desktop", "ChromeOS")]
    public void Pixel_hits_name_the_browser_device_type_and_os(string userAgent, string client, string type, string os)
    {
        var info = UserAgentClassifier.Classify(userAgent, emailOpen: false);
        Assert.Equal((client, type, os, false), (info.Client, info.Type, info.Os, info.IsBot));
    }

    [Theory]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")]
    [InlineData("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36")]
    [InlineData("Barracuda Sentinel (EE)")]
    [InlineData("Mimecast-URL-Protect")]
    [InlineData("python-requests/2.31.0")]
    [InlineData("curl/8.5.0")]
    [InlineData("Go-http-client/1.1")]
    [InlineData("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)")]
    public void Bots_and_link_scanners_are_flagged(string userAgent)
    {
        Assert.True(UserAgentClassifier.Classify(userAgent, emailOpen: true).IsBot);
        Assert.True(UserAgentClassifier.Classify(userAgent, emailOpen: false).IsBot);
    }

    [Fact]
    public void A_pixel_hit_without_user_agent_is_a_bot_but_an_open_is_not()
    {
        Assert.True(UserAgentClassifier.Classify(null, emailOpen: false).IsBot);
        Assert.False(UserAgentClassifier.Classify("", emailOpen: true).IsBot);
    }
}
