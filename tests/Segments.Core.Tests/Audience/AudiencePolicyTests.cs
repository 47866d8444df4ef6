using Segments.Core.Audience;
using Segments.Engine.Evaluation;
using Segments.Engine.Model;
using Segments.TestSupport.Scenarios;

namespace Segments.Core.Tests.Audience;

/// <summary>The send decision on a folded contact.</summary>
public class AudiencePolicyTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public void A_global_subscribe_lifts_the_event_implied_unsubscribe_but_never_a_hard_bounce()
    {
        var document = new Scenario()
            .EventAt(-5 * Day, """{"name":"unsubscribe"}""")
            .EventAt(-4 * Day, """{"name":"unsubscribe"}""")
            .EventAt(-3 * Day, """{"name":"subscribe"}""").Document();
        Assert.Equal(SendOutcome.Included, AudiencePolicy.Decide(document, [], null, new AsOf(Scenario.T)).Outcome);
        Assert.Equal(SendOutcome.Suppressed, AudiencePolicy.Decide(document, [], null, new AsOf(Scenario.T - 3.5 * Day)).Outcome);
        var bounced = new Scenario()
            .EventAt(-5 * Day, """{"name":"bounce","properties":{"bounceType":"hard"}}""")
            .EventAt(-3 * Day, """{"name":"subscribe"}""").Document();
        Assert.Equal(new SendDecision(SendOutcome.Suppressed, SuppressionReason.HardBounce), AudiencePolicy.Decide(bounced, [], null, new AsOf(Scenario.T)));
    }
}
