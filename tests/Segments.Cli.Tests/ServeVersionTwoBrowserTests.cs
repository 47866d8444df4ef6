using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Segments.TestSupport.Browser;
using Segments.TestSupport.Serve;
using static Segments.Cli.Tests.ServeApi;

namespace Segments.Cli.Tests;

/// <summary>
/// Version 2 end to end through a running `segments serve`: headless Chromium on a shop page embeds the pixel and adds
/// a nested cart; the cart puts the contact into a <c>seen: last</c> segment; then an open fetched by Apple's privacy
/// proxy, reported by the sending pipeline, does not make the contact engaged (unless machine opens are asked for).
/// </summary>
[Trait("Category", "Browser")]
public class ServeVersionTwoBrowserTests
{
    [Fact]
    public async Task A_nested_cart_from_the_browser_puts_the_contact_in_a_last_cart_segment_and_an_apple_proxy_open_is_no_engagement()
    {
        var data = Directory.CreateTempSubdirectory("segments-serve-v2-").FullName;
        await using var serve = await ServeProcess.StartAsync(data);
        await Send(serve.Client, HttpMethod.Put, "segments/last-cart-over-100",
            """{"name":"Last cart over 100","match":{"pixel":{"event":"add_to_cart","seen":"last","where":[{"property":"cart.total","op":"gt","value":100},{"property":"cart.items[].sku","op":"starts_with","value":"ski"}]}}}""");
        await Send(serve.Client, HttpMethod.Put, "segments/engaged",
            """{"name":"Engaged","match":{"engagement":{"event":"engaged","within":"30d"}}}""");
        await Send(serve.Client, HttpMethod.Put, "segments/engaged-with-machines",
            """{"name":"Engaged, machine opens counted","match":{"engagement":{"event":"engaged","within":"30d","machineOpens":"include"}}}""");
        var token = (await (await serve.Client.PostAsync("contacts/c-ski/token", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        await using (var browser = await Chromium.LaunchAsync())
        {
            var page = await (await browser.NewContextAsync()).NewPageAsync();
            // The shop page is served on the service's own origin (the tenant's allowed origin); everything else is real.
            var shop = new Uri(serve.Root, "shop/skis");
            await page.RouteAsync(shop.ToString() + "*", route => route.FulfillAsync(new RouteFulfillOptions
            {
                ContentType = "text/html",
                Body = $$$"""
                    <!doctype html><html><head><title>Skis</title>
                    <script>window.segments = [['track', 'add_to_cart', {cart: {total: 129.5, items: [{sku: 'SKI-1', price: 99.5}, {sku: 'WAX', price: 30}]}}]];</script>
                    <script async src="{{{serve.Api}}}collect.js?k={{{ServeProcess.PixelKey}}}"></script>
                    </head><body><h1>Skis</h1></body></html>
                    """,
            }));
            await page.GotoAsync($"{shop}?seg_t={Uri.EscapeDataString(token)}");
            await WaitForAsync(async () => await MembersAsync(serve.Client, "last-cart-over-100") is ["c-ski"], serve);
        }

        var open = $$"""
            [{"id":"mpp-1","contactId":"c-ski","kind":"email","name":"open","at":"{{Segments.Engine.Model.Rfc3339.Format(DateTimeOffset.UtcNow.AddMinutes(-1))}}","campaignId":"k1",
              "userAgent":"Mozilla/5.0","ip":"17.58.101.20"}]
            """;
        await Send(serve.Client, HttpMethod.Post, "events", open);
        await WaitForAsync(async () => await MembersAsync(serve.Client, "engaged-with-machines") is ["c-ski"], serve);
        Assert.Empty(await MembersAsync(serve.Client, "engaged"));
    }

    private static async Task<string[]> MembersAsync(HttpClient api, string segment)
    {
        var preview = await api.GetFromJsonAsync<JsonElement>($"segments/{segment}/preview?sample=10");
        return [.. preview.GetProperty("sample").EnumerateArray().Select(s => s.GetString()!)];
    }
}
