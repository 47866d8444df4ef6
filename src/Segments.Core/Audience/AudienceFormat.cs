using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Segments.Core.Audience;

/// <summary>The audience file format: NDJSON, one <c>{"contactId", "email"}</c> per line.</summary>
public static class AudienceFormat
{
    public static void Write(System.IO.Stream stream, IEnumerable<Recipient> recipients)
    {
        foreach (var recipient in recipients)
        {
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteString("contactId", recipient.ContactId);
                json.WriteString("email", recipient.Email);
                json.WriteEndObject();
            }
            stream.WriteByte((byte)'\n');
        }
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
