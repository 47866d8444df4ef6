using Microsoft.Playwright;

namespace Segments.TestSupport.Browser;

/// <summary>
/// The repository's one browser driver: Microsoft.Playwright driving Debian's Chromium (installed by
/// tests/browser/install-chromium.sh; Playwright's own browser download does not work here), headless, with the flags
/// this machine needs: no sandbox as root, and no background networking on a closed network.
/// </summary>
public static class Chromium
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>A desktop Chrome User-Agent, so that the pixel sees a visitor rather than the headless browser's own name (a bot).</summary>
    public const string DesktopUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    /// <summary>Playwright and a browser; dispose both (<see cref="Session.DisposeAsync"/>).</summary>
    public static async Task<Session> LaunchAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: run tests/browser/install-chromium.sh as root");
        }
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Executable,
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                ],
            });
            return new Session(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public sealed class Session(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public IBrowser Browser { get; } = browser;

        /// <summary>A fresh profile (no cookies, no storage), with the desktop User-Agent unless told otherwise.</summary>
        public Task<IBrowserContext> NewContextAsync(string? userAgent = DesktopUserAgent) =>
            Browser.NewContextAsync(new BrowserNewContextOptions { UserAgent = userAgent, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });

        public async ValueTask DisposeAsync()
        {
            await Browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
