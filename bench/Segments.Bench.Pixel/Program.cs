using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Segments.Api.Ingestion;
using Segments.Bench.Pixel;

// The pixel under load, on this machine, over loopback only: the Segments routes (px.gif and POST /api/collect,
// publishing into the event log of segments serve, fsynced before each answer) against a bare Kestrel endpoint that
// answers the same GIF, each measured in the same run by the same load generator. Bounded: every phase sends a
// fixed number of requests and gives up after two minutes. Other work on the machine moves every figure, so each
// round measures the three back to back and the ratio reported is the median of the rounds' ratios.
var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var connections = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
const int Rounds = 5;

await using var bare = await BareGif.StartAsync();
await using var segments = await PixelServer.StartAsync();
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {requests:N0} requests a phase over {connections} keep-alive connections, {Rounds} rounds");

var phases = new (string Name, IPEndPoint Server, byte[] Request, int Status)[]
{
    ("bare Kestrel GIF", bare.EndPoint, LoadGenerator.Get("/px.gif", Requests.Referer), 200),
    ("GET /api/px.gif", segments.EndPoint, LoadGenerator.Get(Requests.GifPath, Requests.Referer), 200),
    ("POST /api/collect", segments.EndPoint, LoadGenerator.Post(Requests.CollectPath, Requests.Origin, Requests.CollectBody), 204),
};

// Warm-up: JIT, tiered compilation, connection pools.
foreach (var phase in phases)
{
    await LoadGenerator.RunAsync(phase.Server, phase.Request, phase.Status, requests / 5, connections);
}
var published = segments.Published;

var rates = phases.ToDictionary(p => p.Name, _ => new List<double>());
var ratios = phases.ToDictionary(p => p.Name, _ => new List<double>());
for (var round = 1; round <= Rounds; round++)
{
    foreach (var phase in phases)
    {
        var stopwatch = Stopwatch.StartNew();
        await LoadGenerator.RunAsync(phase.Server, phase.Request, phase.Status, requests, connections);
        var perSecond = requests / stopwatch.Elapsed.TotalSeconds;
        rates[phase.Name].Add(perSecond);
        ratios[phase.Name].Add(perSecond / rates[phases[0].Name][^1]);
        Console.WriteLine($"round {round}  {phase.Name,-18} {perSecond,10:N0} requests/s  {ratios[phase.Name][^1]:0.00} × bare");
    }
}

var expected = 2L * Rounds * requests;
if (segments.Published - published != expected)
{
    Console.Error.WriteLine($"published {segments.Published - published:N0} events, expected {expected:N0}");
    return 1;
}
Console.WriteLine();
Console.WriteLine($"| endpoint | requests/s, median of {Rounds} | × bare, median of the rounds' ratios |");
Console.WriteLine("|---|---|---|");
foreach (var phase in phases)
{
    Console.WriteLine($"| {phase.Name} | {Median(rates[phase.Name]):N0} | {Median(ratios[phase.Name]):0.00} |");
}
return 0;

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

namespace Segments.Bench.Pixel
{
    /// <summary>The baseline: Kestrel answering the pixel's GIF with the same headers, and nothing else.</summary>
    internal sealed class BareGif : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private BareGif(WebApplication app) => _app = app;

        public IPEndPoint EndPoint => Servers.EndPointOf(_app);

        public static async Task<BareGif> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/px.gif", (Microsoft.AspNetCore.Http.HttpContext c) => Gif.WriteAsync(c.Response, c.RequestAborted));
            await app.StartAsync();
            return new BareGif(app);
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
