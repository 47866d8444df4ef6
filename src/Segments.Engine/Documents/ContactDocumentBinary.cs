using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Segments.Engine.Documents;

/// <summary>
/// The embedded store's form of a <see cref="ContactDocument"/>: the same content as <see cref="ContactDocumentJson"/>,
/// with the events, which are most of a document, in binary. A send-time scan decodes every stored document, and
/// tokenizing the events' JSON was most of that cost. The rest (profile, lists, totals) stays the JSON form without
/// its events, and each info stays its JSON array, so both forms share one reader and writer for them.
/// <code>
/// 0xC5 1 | len json-without-events | count (len info-json)* | count (ticksSincePrevious len id-utf8 infoIndex)*
/// </code>
/// All numbers are unsigned LEB128 varints; events are in document order, so every delta is at least 0.
/// </summary>
public static class ContactDocumentBinary
{
    // Never '{', the first byte of the JSON form: a store holding both (rows written before this form) tells them apart.
    private const byte Magic = 0xC5;
    private const byte FormatVersion = 1;

    /// <summary>Whether <paramref name="stored"/> is in this form rather than <see cref="ContactDocumentJson"/>.</summary>
    public static bool Holds(ReadOnlySpan<byte> stored) => stored.Length > 0 && stored[0] == Magic;

    public static byte[] Serialize(ContactDocument document)
    {
        var scratch = t_scratch ??= new Scratch();
        var buffer = scratch.Buffer;
        buffer.ResetWrittenCount();
        buffer.Write([Magic, FormatVersion]);
        scratch.Json.ResetWrittenCount();
        scratch.Writer.Reset(scratch.Json);
        ContactDocumentJson.WriteWithoutEvents(scratch.Writer, document);
        scratch.Writer.Flush();
        WriteBytes(buffer, scratch.Json.WrittenSpan);
        scratch.Infos.Clear();
        var infos = ContactDocumentJson.NumberInfos(document, scratch.Infos);
        WriteNumber(buffer, (ulong)infos.Count);
        foreach (var info in infos.Keys)
        {
            WriteBytes(buffer, ContactDocumentJson.SerializeInfo(info));
        }
        WriteNumber(buffer, (ulong)document.Events.Length);
        var previous = 0L;
        foreach (var e in document.Events)
        {
            WriteNumber(buffer, checked((ulong)(e.At - previous)));
            previous = e.At;
            WriteText(buffer, e.Id);
            WriteNumber(buffer, (ulong)infos[e.Info]);
        }
        var stored = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity + scratch.Json.Capacity > Scratch.KeptBytes)
        {
            t_scratch = null; // one heavy contact's buffers are not kept for the thread's life
        }
        return stored;
    }

    // The fold writes every document it changes: building each in fresh, growing buffers was most of what writing one
    // allocated. Serialize never awaits, so a thread's buffers serve one document at a time.
    [ThreadStatic]
    private static Scratch? t_scratch;

    private sealed class Scratch
    {
        public const int KeptBytes = 1 << 20;

        public readonly ArrayBufferWriter<byte> Buffer = new(16 * 1024);
        public readonly ArrayBufferWriter<byte> Json = new(4 * 1024);
        public readonly Utf8JsonWriter Writer = new(Stream.Null);
        public readonly Dictionary<EventInfo, int> Infos = [];
    }

    /// <summary>Reads what <see cref="Serialize"/> wrote; throws <see cref="InvalidDataException"/> (or, for its JSON parts, JsonException) on anything else.</summary>
    public static ContactDocument Deserialize(ReadOnlySpan<byte> stored)
    {
        var reader = new Reader(stored);
        if (reader.Byte() != Magic || reader.Byte() != FormatVersion)
        {
            throw new InvalidDataException("not a binary contact document of format version 1");
        }
        var document = ContactDocumentJson.Deserialize(reader.Bytes());
        var infos = new EventInfo[reader.Count()];
        for (var i = 0; i < infos.Length; i++)
        {
            infos[i] = ContactDocumentJson.SharedInfo(reader.Bytes());
        }
        var events = new FoldedEvent[reader.Count()];
        var at = 0L;
        for (var i = 0; i < events.Length; i++)
        {
            at = checked(at + (long)reader.Number());
            var id = Encoding.UTF8.GetString(reader.Bytes());
            var info = reader.Number();
            events[i] = new FoldedEvent(at, id, info < (ulong)infos.Length
                ? infos[info]
                : throw new InvalidDataException($"event {i} refers to info {info} of {infos.Length}"));
        }
        if (!reader.AtEnd)
        {
            throw new InvalidDataException($"{stored.Length - reader.Position} bytes after the last event");
        }
        return document with { Events = events };
    }

    private static void WriteBytes(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        WriteNumber(buffer, (ulong)bytes.Length);
        buffer.Write(bytes);
    }

    // Encoded straight into the buffer: a write of the fold encodes every retained event's id.
    private static void WriteText(ArrayBufferWriter<byte> buffer, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        WriteNumber(buffer, (ulong)length);
        buffer.Advance(Encoding.UTF8.GetBytes(text, buffer.GetSpan(length)));
    }

    private static void WriteNumber(ArrayBufferWriter<byte> buffer, ulong value)
    {
        var span = buffer.GetSpan(10);
        var i = 0;
        for (; value >= 0x80; value >>= 7)
        {
            span[i++] = (byte)(value | 0x80);
        }
        span[i++] = (byte)value;
        buffer.Advance(i);
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int Position { get; private set; }

        public readonly bool AtEnd => Position == _bytes.Length;

        public byte Byte() => Position < _bytes.Length ? _bytes[Position++] : throw Truncated();

        public ulong Number()
        {
            var value = 0UL;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
            throw new InvalidDataException($"a number longer than 64 bits at byte {Position}");
        }

        /// <summary>A count of items that each take at least a byte: never more than the bytes left.</summary>
        public int Count()
        {
            var count = Number();
            return count <= (ulong)(_bytes.Length - Position) ? (int)count : throw Truncated();
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = Count();
            var bytes = _bytes.Slice(Position, length);
            Position += length;
            return bytes;
        }

        private readonly InvalidDataException Truncated() => new($"the document ends early (byte {Position} of {_bytes.Length})");
    }
}
