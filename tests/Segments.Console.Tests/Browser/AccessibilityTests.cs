using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Segments.Console.Tests.Browser;

/// <summary>axe-core on every screen of the console, once its content has loaded: no serious or critical violation.</summary>
[Collection(ConsoleCollection.Name)]
[Trait("Category", "Browser")]
public sealed class AccessibilityTests(ConsoleFixture console)
{
    public static TheoryData<string, string> Screens() => new()
    {
        { "segments", "table" },
        { "segments/new", "[data-node=group]" },
        { "segments/hot-prospects", "[data-node=pixel]" },
        { "contacts/c0000001", "#timeline-heading" },
        { "sends", "#send-segment option[value=vip]" },
        { "automations", "#auto-segment option[value=vip]" },
        { "reports", "#report-segment option[value=vip]" },
        { "pixel", "#hits-heading" },
    };

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task The_screen_has_no_serious_accessibility_violation(string screen, string loaded)
    {
        var page = await console.SignedInPageAsync(screen);
        await page.Locator(loaded).First.WaitForAsync(new() { State = WaitForSelectorState.Attached });

        var result = await page.RunAxe();

        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious.Select(Describe)));
    }

    [Fact]
    public async Task The_sign_in_screen_has_no_serious_accessibility_violation()
    {
        var page = await (await console.Browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(console.Serve.Root.ToString());
        await page.GetByLabel("API key").WaitForAsync();

        var result = await page.RunAxe();

        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious.Select(Describe)));
    }

    private static string Describe(AxeResultItem violation) =>
        $"{violation.Id} ({violation.Impact}): {violation.Help} at {string.Join(", ", violation.Nodes.Select(n => n.Target.ToString()))}";
}
