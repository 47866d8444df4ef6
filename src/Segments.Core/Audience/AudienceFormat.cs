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
}
