using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Segments.Core.Audience;

/// <summary>The audience file format: NDJSON, one <c>{"contactId", "email"}</c> per line.</summary>
public static class AudienceFormat
{
    /// <summary>
    /// One JSON object a line. One writer over one buffer, reset after each line and copied to the stream in blocks: a
    /// writer made and flushed into the stream per line cost three times the resolution of the part on its scan form.
    /// </summary>
    public static void Write(System.IO.Stream stream, IEnumerable<Recipient> recipients)
    {
        const int Block = 1 << 16;
        var buffer = new ArrayBufferWriter<byte>(Block + 1024);
        using var json = new Utf8JsonWriter(buffer);
        foreach (var recipient in recipients)
        {
            json.WriteStartObject();
            json.WriteString("contactId", recipient.ContactId);
            json.WriteString("email", recipient.Email);
            json.WriteEndObject();
            json.Flush();
            json.Reset();
            buffer.GetSpan(1)[0] = (byte)'\n';
            buffer.Advance(1);
            if (buffer.WrittenCount >= Block)
            {
                stream.Write(buffer.WrittenSpan);
                buffer.ResetWrittenCount();
            }
        }
        stream.Write(buffer.WrittenSpan);
    }

    /// <summary>The recipients of a file written by <see cref="Write"/>, in file order.</summary>
    public static async IAsyncEnumerable<Recipient> ReadAsync(System.IO.Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            yield return new Recipient(root.GetProperty("contactId").GetString()!, root.GetProperty("email").GetString());
        }
    }
}
