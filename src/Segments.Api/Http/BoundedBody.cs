using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Segments.Api.Http;

/// <summary>
/// A request body read whole into a pooled buffer, never more than a limit: a body whose Content-Length is over the
/// limit is refused before a byte is read, and one that turns out longer after reading at most limit + 1 bytes.
/// Where the server enforces a body size (Kestrel), the route's limit replaces its default (30 MB) before reading.
/// Dispose returns the buffer.
/// </summary>
public sealed class BoundedBody : IDisposable
{
    private byte[]? _buffer;

    private BoundedBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>The body, or a 413 refusal when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<(BoundedBody? Body, Refusal? Refusal)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var tooLarge = new Refusal(StatusCodes.Status413PayloadTooLarge, "body_too_large", "$", $"the body is larger than {maxBytes} bytes");
        if (request.ContentLength > maxBytes)
        {
            return (null, tooLarge);
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
        {
            server.MaxRequestBodySize = maxBytes + 1L;
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return (null, tooLarge);
                    }
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                length += read;
            }
        }
        catch (BadHttpRequestException e)
        {
            // The server's own limit (413), or a body that breaks the protocol (a bad chunk): the client's fault either way.
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? tooLarge
                : new Refusal(e.StatusCode, "body", "$", "the body could not be read as HTTP sent it"));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        if (length > maxBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, tooLarge);
        }
        return (new BoundedBody(buffer, length), null);
    }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
