using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Segments.Api.Ingestion;

/// <summary>
/// A request body read whole into a pooled buffer, never more than a limit: a body over the limit is refused
/// after reading at most limit + 1 bytes, whatever its Content-Length says. Dispose returns the buffer.
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

    /// <summary>The body as JSON (UTF-8, nested at most <paramref name="maxDepth"/> deep), or a 400 refusal saying where it breaks.</summary>
    public (JsonDocument? Json, Refusal? Refusal) Parse(int maxDepth)
    {
        try
        {
            return (JsonDocument.Parse(Memory, new JsonDocumentOptions { MaxDepth = maxDepth }), null);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
            return (null, Refusal.Invalid("json", "$", $"the body is not valid UTF-8 JSON{where}"));
        }
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
