using System.Globalization;

namespace Segments.Engine.Model;

public static class Rfc3339
{
    /// <summary>UTC with a <c>Z</c>, and fractional seconds only when there are any.</summary>
    public static string Format(DateTimeOffset at) =>
        at.ToUniversalTime().ToString(at.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
            CultureInfo.InvariantCulture);
}

/// <summary>Writes instants as <see cref="Rfc3339.Format"/> does (UTC, <c>Z</c>), as every response of the API shows them.</summary>
public sealed class Rfc3339JsonConverter : System.Text.Json.Serialization.JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

    public override void Write(System.Text.Json.Utf8JsonWriter writer, DateTimeOffset value, System.Text.Json.JsonSerializerOptions options) =>
        writer.WriteStringValue(Rfc3339.Format(value));
}

/// <summary><see cref="Rfc3339JsonConverter"/> for optional instants (null stays null).</summary>
public sealed class Rfc3339NullableJsonConverter : System.Text.Json.Serialization.JsonConverter<DateTimeOffset?>
{
    public override DateTimeOffset? Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        reader.TokenType == System.Text.Json.JsonTokenType.Null ? null : DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

    public override void Write(System.Text.Json.Utf8JsonWriter writer, DateTimeOffset? value, System.Text.Json.JsonSerializerOptions options)
    {
        if (value is { } at)
        {
            writer.WriteStringValue(Rfc3339.Format(at));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
