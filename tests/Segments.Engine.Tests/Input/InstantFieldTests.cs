using System.Text.Json;
using Segments.Engine.Input;
using Segments.Engine.Language;

namespace Segments.Engine.Tests;

/// <summary>An event's and a suppression's <c>at</c> is an instant: one rule, one error, at the field's path.</summary>
public class InstantFieldTests
{
    [Theory]
    [InlineData("2026-11-01", "'2026-11-01' is not an RFC 3339 date-time such as 2026-11-01T10:00:00Z")]
    [InlineData("yesterday", "'yesterday' is not an RFC 3339 date-time such as 2026-11-01T10:00:00Z")]
    public void A_date_or_text_is_no_instant_for_events_or_suppressions(string at, string message)
    {
        var (e, eventErrors) = InputReader.ReadEvent(Parse($$"""{"id":"e1","contactId":"c1","kind":"email","name":"open","at":"{{at}}"}"""), "$[3]");
        Assert.Null(e);
        Assert.Equal(new ValidationError("$[3].at", message), Assert.Single(eventErrors));

        var (s, suppressionErrors) = InputReader.ReadSuppression(Parse($$"""{"contactId":"c1","reason":"manual","at":"{{at}}"}"""), "$[4]");
        Assert.Null(s);
        Assert.Equal(new ValidationError("$[4].at", message), Assert.Single(suppressionErrors));
    }

    [Fact]
    public void An_offset_date_time_reads_as_its_instant()
    {
        var (e, errors) = InputReader.ReadEvent(Parse("""{"id":"e1","contactId":"c1","kind":"email","name":"open","at":"2026-11-01T12:00:00+02:00"}"""));
        Assert.Empty(errors);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), e!.At);

        var (_, missing) = InputReader.ReadSuppression(Parse("""{"contactId":"c1","reason":"manual"}"""));
        Assert.Equal(new ValidationError("$", "'at' is required"), Assert.Single(missing));
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
