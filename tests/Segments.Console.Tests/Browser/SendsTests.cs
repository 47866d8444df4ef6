using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Segments.Console.Tests.Browser;

[Collection(ConsoleCollection.Name)]
[Trait("Category", "Browser")]
public sealed class SendsTests(ConsoleFixture console)
{
    [Fact]
    public async Task A_broadcast_scheduled_from_the_console_resolves_and_its_manifest_and_audience_are_shown()
    {
        var page = await console.SignedInPageAsync("sends");
        await page.GetByLabel("Broadcast id").FillAsync("console-now");
        await page.GetByLabel("Segment", new() { Exact = true }).SelectOptionAsync("hot-prospects");
        await page.GetByLabel("List (only its subscribers").FillAsync("newsletter");
        await page.Locator("fluent-button", new() { HasText = "Schedule" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("broadcast-status")).ToHaveTextAsync("completed", new() { Timeout = 60_000 });
        var manifest = (await console.Serve.Client.GetFromJsonAsync<JsonElement>("broadcasts/console-now")).GetProperty("manifest");
        await Assertions.Expect(page.Locator(".manifest")).ToContainTextAsync(manifest.GetProperty("audience").GetInt64().ToString("N0"));
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("fluent-button", new() { HasText = "Download audience" }).ClickAsync());
        var lines = File.ReadAllLines(await download.PathAsync());
        Assert.Equal(manifest.GetProperty("audience").GetInt64(), lines.Length);
    }

    [Fact]
    public async Task A_broadcast_scheduled_for_later_is_canceled_from_the_console()
    {
        var page = await console.SignedInPageAsync("sends");
        await page.GetByLabel("Broadcast id").FillAsync("console-later");
        await page.GetByLabel("Segment", new() { Exact = true }).SelectOptionAsync("vip");
        await page.GetByLabel("Send at").FillAsync(DateTime.Now.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("fluent-button", new() { HasText = "Schedule" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("broadcast-status")).ToHaveTextAsync("scheduled");

        await page.Locator("fluent-button", new() { HasText = "Cancel broadcast" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("broadcast-status")).ToHaveTextAsync("canceled");
        var stored = await console.Serve.Client.GetFromJsonAsync<JsonElement>("broadcasts/console-later");
        Assert.Equal("canceled", stored.GetProperty("status").GetString());
    }
}
