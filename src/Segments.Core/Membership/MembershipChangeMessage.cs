using System.Text.Json;
using Segments.Engine.Model;

namespace Segments.Core.Membership;

/// <summary>
/// The published form of a change, one JSON object in UTF-8:
/// <c>{"tenant", "segment", "sequence", "contact", "kind": "entered" | "left", "at"}</c>. A consumer keeps, per tenant,
/// the highest sequence it handled of each segment and skips what it has seen (publishing is at least once).
/// </summary>
public static class MembershipChangeMessage
{
    public static byte[] Utf8(string tenant, MembershipChange change)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("tenant", tenant);
            json.WriteString("segment", change.Segment);
            json.WriteNumber("sequence", change.Sequence);
            json.WriteString("contact", change.ContactId);
            json.WriteString("kind", MembershipChange.Word(change.Kind));
            json.WriteString("at", Rfc3339.Format(change.At));
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
