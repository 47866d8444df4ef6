using Segments.Api.Ingestion;
using Segments.Core.Ingestion;

namespace Segments.Api.Tests.Ingestion;

public class UserAgentCacheTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", true)]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", false)]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", false)]
    public void The_cache_answers_what_the_classifier_answers_each_time(string agent, bool emailOpen)
    {
        var cache = new UserAgentCache();
        var expected = UserAgentClassifier.Classify(agent, emailOpen);
        Assert.Equal(expected, cache.Classify(agent, emailOpen));
        Assert.Equal(expected, cache.Classify(agent, emailOpen));
    }

    [Fact]
    public void Past_its_capacity_it_still_classifies()
    {
        var cache = new UserAgentCache();
        for (var i = 0; i < UserAgentCache.Capacity + 10; i++)
        {
            cache.Classify($"curl/{i}", emailOpen: false);
        }
        Assert.True(cache.Classify("curl/new", emailOpen: false).IsBot);
    }
}
