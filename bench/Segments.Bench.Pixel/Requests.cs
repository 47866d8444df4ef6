namespace Segments.Bench.Pixel;

/// <summary>What a typical page sends: a page view with its URL, path, title and referrer, from a desktop Chrome.</summary>
internal static class Requests
{
    public const string PixelKey = "pk-bench-0001";
    public const string Origin = "https://shop.example";
    public const string Referer = "https://shop.example/pricing";
    public const string Visitor = "3f2b8c1e-5a4d-4e6f-9b7a-1c2d3e4f5a6b";
    public const string UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    public const string GifPath = $"/api/px.gif?k={PixelKey}&v={Visitor}&e=page_view&p.path=%2Fpricing&p.title=Pricing";
    public const string CollectPath = $"/api/collect?k={PixelKey}";

    /// <summary>A snippet batch (one page view); the same event id every time, which only the fold would notice.</summary>
    public static readonly string CollectBody =
        $$$"""{"visitor":"{{{Visitor}}}","events":[{"id":"9d6c1f0e-7b2a-4c3d-8e5f-0a1b2c3d4e5f","kind":"pixel","name":"page_view","at":"{{{Now}}}","properties":{"url":"https://shop.example/pricing","path":"/pricing","title":"Pricing","referrer":"https://www.google.com/"}}]}""";

    private static string Now => Segments.Engine.Model.Rfc3339.Format(DateTimeOffset.UtcNow);
}
