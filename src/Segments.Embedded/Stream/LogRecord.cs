using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Segments.Core.Streaming;

namespace Segments.Embedded.Streaming;

/// <summary>
/// One event in the log file: a header of the payload's length and CRC-32, then the payload: the event's sequence
/// number, its tenant and its JSON. A crash can leave a record half written at the end of the file (never one that
/// was acknowledged, since acknowledgement follows the fsync); its length or checksum then fails to read and the log
/// is cut there when it is opened.
/// </summary>
internal static class LogRecord
{
    public const int HeaderBytes = 8;

    /// <summary>Far above any event the routes accept (16 KB): a larger length is a torn or foreign header.</summary>
    public const int MaxPayloadBytes = 1 << 20;

    public static void Write(IBufferWriter<byte> output, long sequence, string tenant, ReadOnlySpan<byte> json)
    {
        var tenantBytes = Encoding.UTF8.GetByteCount(tenant);
        if (tenantBytes > ushort.MaxValue)
        {
            throw new ArgumentException("a tenant id of more than 65,535 bytes", nameof(tenant));
        }
        var length = 8 + 2 + tenantBytes + json.Length;
        var span = output.GetSpan(HeaderBytes + length);
        var payload = span.Slice(HeaderBytes, length);
        BinaryPrimitives.WriteInt64LittleEndian(payload, sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(payload[8..], (ushort)tenantBytes);
        Encoding.UTF8.GetBytes(tenant, payload.Slice(10, tenantBytes));
        json.CopyTo(payload[(10 + tenantBytes)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32.HashToUInt32(payload));
        output.Advance(HeaderBytes + length);
    }

    /// <summary>The payload's length, or -1 when the header cannot be one.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        return length is >= 10 and <= MaxPayloadBytes ? length : -1;
    }

    /// <summary>The record, or null when its checksum or shape is wrong (a torn write).</summary>
    public static (long Sequence, string Tenant, ReadOnlyMemory<byte> Json)? Read(ReadOnlySpan<byte> header, ReadOnlyMemory<byte> payload)
    {
        var span = payload.Span;
        if (Crc32.HashToUInt32(span) != BinaryPrimitives.ReadUInt32LittleEndian(header[4..]))
        {
            return null;
        }
        var tenantBytes = BinaryPrimitives.ReadUInt16LittleEndian(span[8..]);
        if (10 + tenantBytes > span.Length)
        {
            return null;
        }
        return (BinaryPrimitives.ReadInt64LittleEndian(span), Encoding.UTF8.GetString(span.Slice(10, tenantBytes)), payload[(10 + tenantBytes)..]);
    }

    /// <summary>The delivery's position names it for ever (dead letters are keyed by it): the log and the sequence.</summary>
    public static StreamMessage Message(long sequence, string tenant, ReadOnlyMemory<byte> json) => new(tenant, json, $"log/{sequence}");
}
