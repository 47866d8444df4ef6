using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Segments.Bench.Pixel;

/// <summary>
/// A minimal HTTP/1.1 load generator on raw sockets: each connection sends one prepared request, reads the whole
/// response, and sends the next, until the phase's count is used up. Far cheaper per request than HttpClient, so
/// that the servers, not the client, take most of the two cores. Every response must have the expected status.
/// </summary>
internal static class LoadGenerator
{
    private static readonly TimeSpan PhaseLimit = TimeSpan.FromMinutes(2);

    public static byte[] Get(string path, string referer) => Encoding.ASCII.GetBytes(
        $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {Requests.UserAgent}\r\nReferer: {referer}\r\nAccept: image/*\r\n\r\n");

    public static byte[] Post(string path, string origin, string body) => Encoding.ASCII.GetBytes(
        $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {Requests.UserAgent}\r\nOrigin: {origin}\r\n"
        + $"Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");

    public static async Task RunAsync(IPEndPoint server, byte[] request, int expectedStatus, int count, int connections)
    {
        using var limit = new CancellationTokenSource(PhaseLimit);
        long remaining = count;
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(server, limit.Token);
            var buffer = new byte[16 * 1024];
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await socket.SendAsync(request, SocketFlags.None, limit.Token);
                var status = await ReadResponseAsync(socket, buffer, limit.Token);
                if (status != expectedStatus)
                {
                    throw new InvalidOperationException($"expected {expectedStatus}, got {status}");
                }
            }
        }));
    }

    /// <summary>Reads one response (Content-Length framed, or none for 204); returns its status.</summary>
    private static async Task<int> ReadResponseAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(buffer, length)) < 0)
        {
            length += await Receive(socket, buffer, length, cancellationToken);
        }
        var head = Encoding.ASCII.GetString(buffer, 0, headEnd);
        var status = int.Parse(head.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        var contentLength = 0;
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = int.Parse(line.AsSpan(15).Trim(), provider: System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"a chunked response (status {status}): not what the pixel sends");
            }
        }
        var total = headEnd + 4 + contentLength;
        while (length < total)
        {
            length += await Receive(socket, buffer, length, cancellationToken);
        }
        return status;
    }

    private static async Task<int> Receive(Socket socket, byte[] buffer, int offset, CancellationToken cancellationToken)
    {
        var read = await socket.ReceiveAsync(buffer.AsMemory(offset), SocketFlags.None, cancellationToken);
        return read > 0 ? read : throw new IOException("the server closed the connection");
    }

    private static int IndexOfHeadEnd(byte[] buffer, int length) => buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
}
