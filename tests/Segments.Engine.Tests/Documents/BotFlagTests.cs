using System.Text.Json;
using Segments.Engine.Documents;
using Segments.Engine.Input;

namespace Segments.Engine.Tests.Documents;

/// <summary>The optional <c>bot</c> flag: read, written, stored and folded, and never counted as engagement.</summary>
public class BotFlagTests
{
    private const string BotOpen = """{"name":"open","campaignId":"cmp-1","bot":true}""";

    [Fact]
    public void A_bot_open_or_click_is_no_engagement_while_a_human_one_is()
    {
        var bots = new Scenario().EventAt(-TimeSpan.FromDays(1), BotOpen)
            .EventAt(-TimeSpan.FromDays(1), """{"name":"click","campaignId":"cmp-1","bot":true}""");
        Assert.False(bots.Matches("""{"engagement":{"event":"engaged","within":"7d"}}"""));
        Assert.True(bots.Matches("""{"engagement":{"event":"open","count":{"op":"eq","value":0}}}"""));

        var human = new Scenario().EventAt(-TimeSpan.FromDays(1), """{"name":"open","campaignId":"cmp-1","bot":false}""");
        Assert.True(human.Matches("""{"engagement":{"event":"engaged","within":"7d"}}"""));
    }

    [Fact]
    public void A_bot_email_event_compacted_beyond_the_horizon_still_does_not_count()
    {
        var scenario = new Scenario()
            .EventAt(-TimeSpan.FromDays(500), BotOpen)
            .EventAt(-TimeSpan.FromDays(500), """{"name":"open","campaignId":"cmp-0"}""")
            .EventAt(TimeSpan.Zero, """{"kind":"pixel","name":"page_view"}""");
        var document = scenario.Document();
        Assert.Single(document.Compacted);
        Assert.True(scenario.Matches("""{"engagement":{"event":"open","count":{"op":"eq","value":1}}}"""));
    }

    [Fact]
    public void The_flag_is_read_written_and_kept_in_stored_documents()
    {
        var (e, errors) = InputReader.ReadEvent(Json("""{"id":"e1","contactId":"c1","kind":"email","name":"open","at":"2026-11-01T10:00:00Z","bot":true}"""));
        Assert.Empty(errors);
        Assert.True(e!.Bot);
        var (again, _) = InputReader.ReadEvent(Json(EventWriter.ToUtf8(e)));
        Assert.Equal(e, again);

        var document = new ContactFolder(new FoldOptions()).Fold(new ContactDocument("c1"), [e, e with { Id = "e2", Bot = false }]).Document;
        var stored = ContactDocumentJson.Deserialize(ContactDocumentJson.Serialize(document));
        Assert.Equal([true, false], stored.Events.Select(x => x.Info.Bot));
        Assert.Equal(e, stored.Events[0].ToEvent("c1"));
    }

    [Fact]
    public void A_bot_and_a_human_event_of_the_same_content_are_not_shared()
    {
        var (human, _) = InputReader.ReadEvent(Json("""{"id":"e1","contactId":"c1","kind":"email","name":"open","at":"2026-11-01T10:00:00Z"}"""));
        Assert.NotEqual(EventInfo.From(human!), EventInfo.From(human! with { Bot = true }));
    }

    [Fact]
    public void A_bot_flag_that_is_not_a_boolean_is_an_error_at_its_path()
    {
        var (e, errors) = InputReader.ReadEvent(Json("""{"id":"e1","contactId":"c1","kind":"email","name":"open","at":"2026-11-01T10:00:00Z","bot":"yes"}"""), "$[3]");
        Assert.Null(e);
        Assert.Equal("$[3].bot", Assert.Single(errors).Path);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private static JsonElement Json(byte[] utf8) => JsonDocument.Parse(utf8).RootElement;
}
