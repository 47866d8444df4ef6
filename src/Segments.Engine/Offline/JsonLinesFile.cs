using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Segments.Engine.Offline;

/// <summary>One line of a JSON Lines file: its UTF-8 bytes (terminator excluded) and its number within its chunk (from 1).</summary>
internal delegate void LineHandler(ReadOnlySpan<byte> line, int number);

/// <summary>
/// A JSON Lines file read in independent chunks that end at line ends, so that every core parses its own chunk.
/// Lines end as <see cref="File.ReadLines(string)"/> ends them (<c>\n</c>, <c>\r\n</c> or a lone <c>\r</c>), so line
/// numbers are the ones the sequential reader gave; a UTF-8 byte order mark is skipped, and a file in UTF-16 or
/// UTF-32 (which that reader decoded from its byte order mark) is decoded line by line into one chunk.
/// </summary>
internal static class JsonLinesFile
{
    /// <summary>Large enough that a chunk's set-up is nothing, small enough that two cores share the work evenly.</summary>
    public const int ChunkBytes = 4 << 20;

    /// <summary>
    /// Runs <paramref name="parse"/> over every chunk of the file on every core and returns the results in file
    /// order, each with the number of lines before its chunk (add it to a chunk's line numbers).
    /// </summary>
    public static List<(T Result, int LinesBefore)> Parse<T>(string path, Func<ChunkReader, T> parse, int chunkBytes = ChunkBytes)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        Span<byte> head = stackalloc byte[4];
        head = head[..RandomAccess.Read(handle, head, 0)];
        if (IsUtf16Or32(head))
        {
            // Rare enough to read on one core; the decoded lines are handed over as UTF-8 like any other.
            var reader = new ChunkReader(0, Transcoded(path));
            return [(parse(reader), 0)];
        }
        var start = head.StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        var bounds = Bounds(handle, start, length, chunkBytes);
        var results = new (T Result, int Lines)[bounds.Count];
        Parallel.For(0, bounds.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => (byte[]?)null, (i, _, buffer) =>
        {
            var (from, to) = bounds[i];
            var size = checked((int)(to - from));
            if (buffer is null || buffer.Length < size)
            {
                buffer = new byte[Math.Max(size, chunkBytes + (chunkBytes / 4))];
            }
            var read = 0;
            while (read < size)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read, size - read), from + read);
                if (n == 0)
                {
                    throw new IOException($"{path} became shorter while it was read");
                }
                read += n;
            }
            var reader = new ChunkReader(i, buffer.AsMemory(0, size));
            results[i] = (parse(reader), reader.Lines);
            return buffer;
        }, _ => { });
        var ordered = new List<(T, int)>(results.Length);
        var before = 0;
        foreach (var (result, lines) in results)
        {
            ordered.Add((result, before));
            before += lines;
        }
        return ordered;
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static bool IsUtf16Or32(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
        || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]);

    /// <summary>Chunks of about <paramref name="chunkBytes"/>, each ending just after a <c>\n</c> or at the end of the file.</summary>
    private static List<(long From, long To)> Bounds(SafeFileHandle handle, long start, long length, int chunkBytes)
    {
        var bounds = new List<(long, long)>();
        var window = new byte[64 << 10];
        var from = start;
        while (from < length)
        {
            var to = from + chunkBytes;
            while (to < length)
            {
                var n = RandomAccess.Read(handle, window, to);
                var newline = window.AsSpan(0, n).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    to += newline + 1;
                    break;
                }
                to += n;
            }
            to = Math.Min(to, length);
            bounds.Add((from, to));
            from = to;
        }
        return bounds;
    }

    private static byte[] Transcoded(string path)
    {
        var utf8 = new MemoryStream();
        foreach (var line in File.ReadLines(path))
        {
            utf8.Write(Encoding.UTF8.GetBytes(line));
            utf8.WriteByte((byte)'\n');
        }
        return utf8.ToArray();
    }
}

/// <summary>The lines of one chunk, in order.</summary>
internal sealed class ChunkReader(int index, ReadOnlyMemory<byte> chunk)
{
    /// <summary>The chunk's position in the file (0 for the first).</summary>
    public int Index => index;

    /// <summary>The chunk's size in bytes (its lines and their terminators).</summary>
    public int Bytes => chunk.Length;

    /// <summary>How many lines the chunk held (blank ones too), once <see cref="ForEachLine"/> has run.</summary>
    public int Lines { get; private set; }

    public void ForEachLine(LineHandler handle)
    {
        var text = chunk.Span;
        var number = 0;
        var position = 0;
        while (position < text.Length)
        {
            var rest = text[position..];
            var end = rest.IndexOfAny((byte)'\n', (byte)'\r');
            number++;
            if (end < 0)
            {
                handle(rest, number);
                break;
            }
            handle(rest[..end], number);
            position += end + (rest[end] == '\r' && end + 1 < rest.Length && rest[end + 1] == '\n' ? 2 : 1);
        }
        Lines = number;
    }
}
