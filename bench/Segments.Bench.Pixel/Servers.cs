using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Segments.Bench.Pixel;

internal static class Servers
{
    /// <summary>The loopback address and port Kestrel chose.</summary>
    public static IPEndPoint EndPointOf(WebApplication app)
    {
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return new IPEndPoint(IPAddress.Loopback, address.Port);
    }
}
