using System.Net;
using System.Net.Sockets;

namespace Segments.TestSupport;

/// <summary>
/// Ports for servers the tests start on a port chosen before they bind it (serve's child processes, the Functions
/// host, the Durable sidecar). Port 0's answer comes from the ephemeral range, which every outgoing connection and
/// every other test process's port 0 draw from too: a port found that way and released before the server binds it was
/// taken meanwhile by another test's server (CI, 7 December: the first answers serve --demo's probe got were another
/// server's 401). These come from below Linux's ephemeral range (32768 to 60999), walking on from a start random to
/// the process, so parallel test processes use different ports; each is checked free by binding it.
/// </summary>
public static class LoopbackPorts
{
    private const int First = 20_000;
    private const int Count = 12_000;

    private static int _next = Random.Shared.Next(Count);

    public static int Free()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: the next one.
            }
        }
        throw new InvalidOperationException($"no free loopback port from {First} to {First + Count - 1}");
    }
}
