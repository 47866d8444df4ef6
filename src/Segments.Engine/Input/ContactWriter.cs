using System.Text.Json;
using Segments.Engine.Model;

namespace Segments.Engine.Input;

/// <summary>
/// Writes a contact in the shape <see cref="InputReader.ReadContact"/> reads (a line of the offline
/// <c>contacts.jsonl</c>, an upsert body): <c>ReadContact(Write(c))</c> gives <c>c</c> back.
/// </summary>
public static class ContactWriter
{
    public static void Write(Utf8JsonWriter json, ContactProfile contact)
    {
        json.WriteStartObject();
        json.WriteString("id", contact.Id);
        WriteOptional(json, "email", contact.Email);
        WriteOptional(json, "firstName", contact.FirstName);
        WriteOptional(json, "lastName", contact.LastName);
        if (contact.CreatedAt is { } created)
        {
            json.WriteString("createdAt", Rfc3339.Format(created));
        }
        if (contact.Fields.Count > 0)
        {
            json.WriteStartObject("fields");
            foreach (var (name, value) in contact.Fields.Items)
            {
                json.WritePropertyName(name);
                EventWriter.WriteValue(json, value);
            }
            json.WriteEndObject();
        }
        if (contact.Lists.Count > 0)
        {
            json.WriteStartObject("lists");
            foreach (var (list, status) in contact.Lists.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                json.WriteString(list, status);
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
