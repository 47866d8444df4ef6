using System.Runtime.CompilerServices;
using System.Text;

namespace Segments.Core.Contacts.Import;

/// <summary>One record of an upload: the line it starts on, and its text, or why it could not be read.</summary>
public readonly record struct UploadRecord(long Line, string? Text, string? Error);

/// <summary>
/// Reads an upload as records, streaming, with the line each starts on: a line each (NDJSON), or a CSV record, which a
/// quoted field may continue over several lines. Blank records are skipped; a record longer than
/// <see cref="MaxRecordBytes"/> or not UTF-8 is reported as an error and the reading goes on after it, so one bad line
/// never costs its neighbours.
/// </summary>
public static class UploadRecords
{
    public const int MaxRecordBytes = 256 * 1024;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async IAsyncEnumerable<UploadRecord> ReadAsync(Stream upload, ImportFormat format,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pending = new StringBuilder();
        var pendingLine = 0L;
        var quotes = 0;
        await foreach (var (line, text, error) in LinesAsync(upload, cancellationToken))
        {
            if (error is not null)
            {
                // The record this line belongs to is lost with it; reading starts afresh on the next line.
                if (pending.Length > 0)
                {
                    yield return new UploadRecord(pendingLine, null, $"{error} (in the record that starts on line {pendingLine})");
                    pending.Clear();
                    quotes = 0;
                    continue;
                }
                yield return new UploadRecord(line, null, error);
                continue;
            }
            if (format == ImportFormat.Ndjson || pending.Length == 0 && text!.Count(c => c == '"') % 2 == 0)
            {
                if (!string.IsNullOrWhiteSpace(text))
                {
                    yield return new UploadRecord(line, text, null);
                }
                continue;
            }
            // A CSV record whose quoted field goes on over the line break.
            if (pending.Length == 0)
            {
                pendingLine = line;
            }
            else
            {
                pending.Append('\n');
            }
            pending.Append(text);
            quotes += text!.Count(c => c == '"');
            if (pending.Length > MaxRecordBytes)
            {
                yield return new UploadRecord(pendingLine, null, $"the record is longer than {MaxRecordBytes} bytes (a quote left open?)");
                pending.Clear();
                quotes = 0;
            }
            else if (quotes % 2 == 0)
            {
                yield return new UploadRecord(pendingLine, pending.ToString(), null);
                pending.Clear();
                quotes = 0;
            }
        }
        if (pending.Length > 0)
        {
            yield return new UploadRecord(pendingLine, null, "a quoted field is not closed before the end of the upload");
        }
    }

    /// <summary>The lines (without their line break), numbered from 1; a line too long or not UTF-8 comes as an error.</summary>
    private static async IAsyncEnumerable<(long Line, string? Text, string? Error)> LinesAsync(Stream upload,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        long line = 0;
        var skipping = false;
        var eof = false;
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline < 0 && !eof)
            {
                if (end - start >= MaxRecordBytes)
                {
                    // Longer than any record may be: reported once, and dropped up to its line break.
                    if (!skipping)
                    {
                        yield return (++line, null, $"the line is longer than {MaxRecordBytes} bytes");
                        skipping = true;
                    }
                    start = end = 0;
                }
                else if (start > 0)
                {
                    Array.Copy(buffer, start, buffer, 0, end - start);
                    (end, start) = (end - start, 0);
                }
                if (end == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                var read = await upload.ReadAsync(buffer.AsMemory(end), cancellationToken);
                eof = read == 0;
                end += read;
                continue;
            }
            if (newline < 0 && end == start)
            {
                yield break; // the upload ended with a line break
            }
            var stop = newline < 0 ? end : newline;
            var length = stop > start && buffer[stop - 1] == (byte)'\r' ? stop - start - 1 : stop - start;
            if (skipping)
            {
                skipping = false;
            }
            else
            {
                yield return Decode(++line, buffer, start, length);
            }
            if (newline < 0)
            {
                yield break; // the last line, without a line break
            }
            start = newline + 1;
        }
    }

    private static (long, string?, string?) Decode(long line, byte[] buffer, int start, int length)
    {
        try
        {
            return (line, Strict.GetString(buffer, start, length), null);
        }
        catch (DecoderFallbackException)
        {
            return (line, null, "the line is not UTF-8 text");
        }
    }
}
