using System.Text.Json;
using Segments.Engine.Documents;
using Segments.Engine.Input;
using Segments.Engine.Tests.Reference;

namespace Segments.Engine.Tests;

public class EventWriterTests
{
    [Fact]
    public void Written_events_read_back_equal_and_refold_to_the_same_documents()
    {
        var data = RandomDataSet.Generate(21, contacts: 30, definitions: 1);
        var folder = new ContactFolder(new FoldOptions { Horizon = TimeSpan.FromDays(3650) });
        foreach (var line in data.Events)
        {
            var (original, errors) = InputReader.ReadEvent(JsonDocument.Parse(line.ToJsonString()).RootElement);
            Assert.Empty(errors);
            var (again, againErrors) = InputReader.ReadEvent(JsonDocument.Parse(EventWriter.ToUtf8(original!)).RootElement);
            Assert.Empty(againErrors);
            Assert.Equal(original, again);

            // A folded event written back out folds to the same document.
            var document = folder.Fold(new ContactDocument(original!.ContactId), [original]).Document;
            var refolded = folder.Fold(new ContactDocument(original.ContactId), [.. document.Events.Select(e => e.ToEvent(original.ContactId))]).Document;
            Assert.Equal(document.Events, refolded.Events);
        }
    }
}
