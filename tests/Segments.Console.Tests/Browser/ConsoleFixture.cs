using Microsoft.Playwright;
using Segments.TestSupport.Browser;
using Segments.TestSupport.Serve;

namespace Segments.Console.Tests.Browser;

/// <summary>
/// One <c>segments serve --demo</c> (10,000 synthetic contacts and the seed's segments, in a fresh data folder) and one
/// Chromium for every browser test of the console: the console is what serve serves at <c>/</c>.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private ServeProcess? _serve;
    private string? _apiKey;
    private Chromium.Session? _browser;

    public ServeProcess Serve => _serve ?? throw new InvalidOperationException("not started");

    /// <summary>The demo tenant's API key.</summary>
    public string ApiKey => _apiKey ?? throw new InvalidOperationException("not started");

    public Chromium.Session Browser => _browser ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var data = Directory.CreateTempSubdirectory("segments-console-").FullName;
        // Ready once the demo tenant is seeded; its API key is the one the README reads from tenants.json.
        _serve = await ServeProcess.StartDemoAsync(data);
        _apiKey = ServeProcess.DemoKey(data) ?? throw new InvalidOperationException("serve --demo wrote no API key");
        _browser = await Chromium.LaunchAsync();
    }

    /// <summary>A fresh browser profile on the console, signed in with the tenant's API key through the sign-in form.</summary>
    public async Task<IPage> SignedInPageAsync(string path = "")
    {
        var context = await Browser.NewContextAsync();
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(Serve.Root, path).ToString());
        await page.GetByLabel("API key").FillAsync(ApiKey);
        await page.Locator("fluent-button", new() { HasText = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).WaitForAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        if (_serve is not null)
        {
            await _serve.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
