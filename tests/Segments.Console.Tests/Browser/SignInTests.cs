using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Segments.Console.Tests.Browser;

[Collection(ConsoleCollection.Name)]
[Trait("Category", "Browser")]
public sealed class SignInTests(ConsoleFixture console, ITestOutputHelper output)
{
    [Fact]
    public async Task The_key_is_kept_for_the_tab_only_and_never_in_the_address_or_local_storage()
    {
        var page = await console.SignedInPageAsync();

        Assert.DoesNotContain(console.ApiKey, page.Url, StringComparison.Ordinal);
        Assert.Equal(console.ApiKey, await page.EvaluateAsync<string?>("sessionStorage.getItem('segments.apiKey')"));
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length"));
        Assert.DoesNotContain(console.ApiKey, await page.Context.CookiesAsync().ContinueWith(c => string.Concat(c.Result.Select(x => x.Value))), StringComparison.Ordinal);

        // A reload in the same tab stays signed in; a new tab (another session) asks again.
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).WaitForAsync();
        var other = await page.Context.NewPageAsync();
        await other.GotoAsync(console.Serve.Root.ToString());
        await other.GetByLabel("API key").WaitForAsync();
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_a_message()
    {
        var page = await (await console.Browser.NewContextAsync()).NewPageAsync();
        // First load in a fresh profile (nothing cached): from the request of / to the running console's first screen. As
        // the browser's first page it includes the browser's own start-up; bench/Segments.Bench.Serve's `console` measures
        // the first load in a running browser, beside an empty Blazor app (README).
        var firstLoad = Stopwatch.StartNew();
        await page.GotoAsync(console.Serve.Root.ToString());
        await page.GetByLabel("API key").WaitForAsync();
        output.WriteLine($"first load: {firstLoad.ElapsedMilliseconds} ms");

        await page.GetByLabel("API key").FillAsync("sk_not_the_key_of_anyone_at_all");
        await page.Locator("fluent-button", new() { HasText = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not accepted");
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('segments.apiKey')"));
    }
}
