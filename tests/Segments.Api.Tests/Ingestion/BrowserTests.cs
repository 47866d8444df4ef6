using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Segments.Api.Ingestion;
using Segments.Core.Ingestion;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Embedded.Durability;
using Segments.Embedded.Streaming;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Model;
using Segments.Engine.Offline;
using Segments.TestSupport.Browser;
using Segments.TestSupport.Stores;

namespace Segments.Api.Tests.Ingestion;

/// <summary>
/// The pixel in a real browser: a customer's site on one loopback origin embeds the snippet served by the API on
/// another; Chromium (driven by Playwright) visits it; the events go through the event log of <c>segments serve</c> and its
/// fold into contact documents, and the seed's <c>hot-prospects</c> segment is evaluated over them.
/// </summary>
[Trait("Category", "Browser")]
public sealed class BrowserTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly InMemoryContactStore _contacts = new();
    private readonly string _logFolder = Directory.CreateTempSubdirectory("segments-browser-log-").FullName;
    private readonly EventLog _log;
    private readonly CountingPublisher _published;
    private EventLogFold? _fold;
    private WebApplication _site = null!;
    private IngestionHost _api = null!;
    private Uri _siteAddress = null!;

    public BrowserTests()
    {
        _log = EventLog.Open(_logFolder, new EventLogOptions(), TimeProvider.System);
        _published = new CountingPublisher(_log);
    }

    public async Task InitializeAsync()
    {
        var api = new Uri[1];
        (_site, _siteAddress) = await StartSiteAsync(() => api[0]);
        _api = await IngestionHost.StartAsync(_published, _contacts, settings: new Dictionary<string, string?>
        {
            ["Segments:Tenants:0:AllowedOrigins:1"] = _siteAddress.GetLeftPart(UriPartial.Authority),
        });
        api[0] = _api.Address;
        var folder = new StreamFolder(_contacts, new InMemoryDeadLetterStore(), new ContactFolder(new FoldOptions()), TimeProvider.System);
        _fold = new EventLogFold(_log, folder, new StoreSync([]), Options.Create(new EventLogOptions()), TimeProvider.System,
            NullLogger<EventLogFold>.Instance);
        await _fold.StartAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_visitor_from_an_email_link_becomes_a_hot_prospect_and_stays_identified_by_the_cookie()
    {
        var token = await TokenAsync("c-browser");
        await using var browser = await Chromium.LaunchAsync();
        var page = await (await browser.NewContextAsync()).NewPageAsync();

        await page.GotoAsync($"{_siteAddress}pricing?seg_t={Uri.EscapeDataString(token)}");
        var contact = await WaitForAsync("tenant-a", "c-browser", c => Has(c, "page_view", "/pricing") && Has(c, "add_to_cart"));
        Assert.Equal(["c-browser"], await HotProspectsAsync());
        var visit = contact.Events.First(e => e.Info.Name == "page_view");
        Assert.Equal(new TextBag("Chrome", "desktop", "Linux"), visit.Info.Device);
        Assert.False(visit.Info.Bot);
        Assert.Equal("", await page.EvaluateAsync<string>("location.search"));

        // A later page without seg_t: the first-party cookie still says who it is.
        await page.GotoAsync($"{_siteAddress}welcome");
        await WaitForAsync("tenant-a", "c-browser", c => Has(c, "page_view", "/welcome"));
        Assert.Empty(await DocumentsAsync(Visitors.ScopeOf("tenant-a")));
    }

    [Fact]
    public async Task An_anonymous_visit_joins_the_contact_when_the_visitor_is_identified()
    {
        await using var browser = await Chromium.LaunchAsync();
        var page = await (await browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync($"{_siteAddress}pricing");
        var visitor = await WaitForAsync(Visitors.ScopeOf("tenant-a"), null, c => Has(c, "page_view", "/pricing") && Has(c, "add_to_cart"));
        Assert.Empty(await HotProspectsAsync());

        var token = await TokenAsync("c-anon");
        await page.GotoAsync($"{_siteAddress}welcome?seg_t={Uri.EscapeDataString(token)}");
        var contact = await WaitForAsync("tenant-a", "c-anon", c => Has(c, "page_view", "/welcome") && Has(c, "page_view", "/pricing"));

        Assert.Equal(["c-anon"], await HotProspectsAsync());
        Assert.Subset(contact.Events.Select(e => e.Id).ToHashSet(), visitor.Events.Select(e => e.Id).ToHashSet());
        Assert.Equal(contact.Events.Length, contact.Events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_forged_token_writes_nothing()
    {
        var token = await TokenAsync("c-victim");
        var forged = token[..token.IndexOf('.')] + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        await using var browser = await Chromium.LaunchAsync();
        var page = await (await browser.NewContextAsync()).NewPageAsync();

        await page.GotoAsync($"{_siteAddress}pricing?seg_t={Uri.EscapeDataString(forged)}");
        var deadline = DateTime.UtcNow + Patience;
        while (_api.Metrics.Refusals(PixelHandlers.CollectSource, "token") < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the browser's batch never arrived");
            await Task.Delay(100);
        }
        Assert.Equal(0, _published.Count);
        Assert.Empty(await DocumentsAsync("tenant-a"));
        Assert.Empty(await DocumentsAsync(Visitors.ScopeOf("tenant-a")));
    }

    private async Task<string> TokenAsync(string contact)
    {
        var issued = await (await _api.Client(TestTenant.A).PostAsync($"/api/contacts/{contact}/token", "")).JsonAsync();
        return issued.GetProperty("token").GetString()!;
    }

    private async Task<List<string>> HotProspectsAsync()
    {
        var segments = new SegmentSet(DataSet.Load(SeedData.Folder).Definitions);
        return segments["hot-prospects"].Members(await DocumentsAsync("tenant-a"), DateTimeOffset.UtcNow);
    }

    private async Task<List<ContactDocument>> DocumentsAsync(string scope)
    {
        var documents = new List<ContactDocument>();
        foreach (var partition in await _contacts.ListPartitionsAsync(scope))
        {
            await foreach (var document in _contacts.ScanAsync(scope, partition))
            {
                documents.Add(document);
            }
        }
        return documents;
    }

    /// <summary>The contact (or, without an id, the one document of the scope) once it satisfies <paramref name="done"/>.</summary>
    private async Task<ContactDocument> WaitForAsync(string scope, string? contactId, Func<ContactDocument, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var document = contactId is null
                ? (await DocumentsAsync(scope)).SingleOrDefault()
                : (await _contacts.ReadAsync(scope, contactId))?.Document;
            if (document is not null && done(document))
            {
                return document;
            }
            Assert.True(DateTime.UtcNow < deadline, $"no document in {scope} reached the expected state in {Patience.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    private static bool Has(ContactDocument contact, string name, string? path = null) =>
        contact.Events.Any(e => e.Info.Name == name && (path is null || e.Info.Properties.Get("path").Text == path));

    /// <summary>
    /// The customer's website: every path is a page embedding the snippet, with <c>/pricing</c> also adding to the cart
    /// through the queue the snippet replays once loaded.
    /// </summary>
    private static async Task<(WebApplication, Uri)> StartSiteAsync(Func<Uri> api)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var site = builder.Build();
        site.MapGet("/{page}", (string page, HttpResponse response) =>
        {
            var cart = page == "pricing" ? "window.segments = [['track', 'add_to_cart', {sku: 'pro', price: 49}]];" : "";
            return Results.Content($"""
                <!doctype html>
                <html><head><title>{page}</title>
                <script>{cart}</script>
                <script async src="{api()}api/collect.js?k={IngestionHost.PixelKeyA}"></script>
                </head><body><h1>{page}</h1></body></html>
                """, "text/html");
        });
        await site.StartAsync();
        var address = site.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (site, new Uri(address + "/"));
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        if (_fold is not null)
        {
            await _fold.StopAsync(CancellationToken.None);
        }
        await _site.StopAsync();
        await _site.DisposeAsync();
        Directory.Delete(_logFolder, recursive: true);
    }

    /// <summary>Publishes to the stream and counts what it was given.</summary>
    private sealed class CountingPublisher(IEventPublisher inner) : IEventPublisher
    {
        private int _count;

        public int Count => _count;

        public Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken = default)
        {
            Interlocked.Add(ref _count, events.Count);
            return inner.PublishAsync(events, cancellationToken);
        }
    }
}
