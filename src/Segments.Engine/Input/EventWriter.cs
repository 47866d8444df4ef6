using System.Text.Json;
using Segments.Engine.Model;

namespace Segments.Engine.Input;

/// <summary>
/// Writes an event in the shape <see cref="InputReader.ReadEvent"/> reads (the offline <c>events.jsonl</c> and
/// the HTTP bodies): what the stream carries, and what republishing an event (a visitor's history joining its
/// contact, the demo) sends. <c>ReadEvent(Write(e))</c> gives <c>e</c> back.
/// </summary>
public static class EventWriter
{
    public static byte[] ToUtf8(ContactEvent e)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, e);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter json, ContactEvent e)
    {
        json.WriteStartObject();
        json.WriteString("id", e.Id);
        json.WriteString("contactId", e.ContactId);
        json.WriteString("kind", e.Kind.ToWord());
        json.WriteString("name", e.Name);
        json.WriteString("at", Rfc3339.Format(e.At));
        if (e.CampaignId is not null)
        {
            json.WriteString("campaignId", e.CampaignId);
        }
        if (e.Properties.Count > 0)
        {
            json.WriteStartObject("properties");
            foreach (var (name, property) in e.Properties.Items)
            {
                json.WritePropertyName(name);
                WriteValue(json, property);
            }
            json.WriteEndObject();
        }
        WriteContext(json, "geo", e.Geo, ["country", "region", "city"]);
        WriteContext(json, "device", e.Device, ["client", "type", "os"]);
        if (e.Value is { } value)
        {
            json.WriteNumber("value", value);
        }
        if (e.Currency is not null)
        {
            json.WriteString("currency", e.Currency);
        }
        if (e.Bot)
        {
            json.WriteBoolean("bot", true);
        }
        json.WriteEndObject();
    }

    /// <summary>A property or field value as the plain JSON it was read from (arrays and objects at any depth).</summary>
    public static void WriteValue(Utf8JsonWriter json, ScalarValue value)
    {
        switch (value.Kind)
        {
            case ValueKind.Text: json.WriteStringValue(value.Text); break;
            case ValueKind.Number: json.WriteNumberValue(value.Number); break;
            case ValueKind.Boolean: json.WriteBooleanValue(value.Boolean); break;
            case ValueKind.List:
                json.WriteStartArray();
                foreach (var item in value.List!.Items)
                {
                    WriteValue(json, item);
                }
                json.WriteEndArray();
                break;
            case ValueKind.Record:
                json.WriteStartObject();
                foreach (var (name, item) in value.Record!.Items)
                {
                    json.WritePropertyName(name);
                    WriteValue(json, item);
                }
                json.WriteEndObject();
                break;
            case ValueKind.Missing: json.WriteNullValue(); break;
        }
    }

    private static void WriteContext(Utf8JsonWriter json, string key, TextBag? context, string[] names)
    {
        if (context is null)
        {
            return;
        }
        json.WriteStartObject(key);
        for (var i = 0; i < names.Length; i++)
        {
            json.WritePropertyName(names[i]);
            if (context.Get(i) is { } text)
            {
                json.WriteStringValue(text);
            }
            else
            {
                json.WriteNullValue();
            }
        }
        json.WriteEndObject();
    }
}
