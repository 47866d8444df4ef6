using System.Text.Json;
using System.Text.Json.Nodes;
using Segments.Engine.Documents;
using Segments.Engine.Input;
using Segments.Engine.Language;
using Segments.Engine.Model;
using Segments.Engine.Offline;
using Segments.Engine.Tests.Documents;
using Segments.Engine.Tests.Reference;

namespace Segments.Engine.Tests.Offline;

/// <summary>
/// The offline reader (chunks read on every core, events kept compact, contacts folded bucket by bucket) against the
/// plain sequential reading it replaced: every line through the exact reader, each contact's events folded at once.
/// </summary>
public class DataSetReaderTests
{
    [Theory]
    [InlineData(11, 1 << 20, 4096)]
    [InlineData(12, 300, 7)]
    [InlineData(13, 97, 1)]
    public void Folded_contacts_equal_each_contacts_events_folded_at_once(int seed, int chunkBytes, int bucketSize)
    {
        var data = RandomDataSet.Generate(seed, contacts: 120, definitions: 1);
        using var folder = new DataSetFolder(data);
        var reader = DataSetReader.Open(folder.Path, RandomDataSets.WholeSpan, chunkBytes, bucketSize);
        var actual = new ContactDocument[reader.ContactCount];
        reader.Fold((number, contact) => actual[number] = contact);

        var expected = Sequential(folder.Path);
        Assert.Equal(expected.Select(d => d.Id), actual.Select(d => d.Id));
        foreach (var (e, a) in expected.Zip(actual))
        {
            DocumentAssert.Equal(e, a);
        }
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(64)]
    public void Every_problem_is_reported_at_its_line_as_the_exact_reader_words_it(int chunkBytes)
    {
        var data = RandomDataSet.Generate(14, contacts: 40, definitions: 1);
        using var folder = new DataSetFolder(data);
        var events = File.ReadAllLines(Path.Combine(folder.Path, "events.jsonl")).ToList();
        var broken = new[]
        {
            "{\"id\":\"x\",\"contactId\":\"c1\",\"kind\":\"sms\",\"name\":\"open\",\"at\":\"2026-11-01T00:00:00Z\"}",
            "{not json",
            "",
            "{\"id\":\"\",\"contactId\":5,\"kind\":\"email\",\"name\":\"open\",\"at\":\"2026-02-30T00:00:00Z\",\"bot\":\"yes\",\"extra\":1}",
            "[1]",
            "{\"id\":\"y\",\"contactId\":\"c1\",\"kind\":\"email\",\"name\":\"open\",\"at\":\"2026-11-01T00:00:00Z\",\"properties\":{\"o\":{}}}",
        };
        for (var i = 0; i < broken.Length; i++)
        {
            events.Insert(Math.Min(events.Count, 5 + (i * 37)), broken[i]);
        }
        File.WriteAllLines(Path.Combine(folder.Path, "events.jsonl"), events);
        File.AppendAllText(Path.Combine(folder.Path, "contacts.jsonl"), "{\"id\":\"c-bad\",\"lists\":{\"a\":5}}\n\n{\"fields\":[]}\n");

        var thrown = Assert.Throws<DataSetException>(() => DataSetReader.Open(folder.Path, null, chunkBytes, 3));

        var expected = SequentialErrors(Path.Combine(folder.Path, "contacts.jsonl"), InputReader.ReadContact)
            .Concat(SequentialErrors(Path.Combine(folder.Path, "events.jsonl"), InputReader.ReadEvent));
        Assert.Equal(expected, thrown.Errors);
    }

    /// <summary>
    /// Valid JSON whose escapes make a lone surrogate is no text: an error at its file, line and path, never a crash; the
    /// fast contact path leaves such a line to the exact reader in its check as in its read. An escaped pair is text.
    /// </summary>
    [Theory]
    [InlineData("contacts.jsonl", """{"id":"c-x","firstName":"\uD800"}""", "$.firstName")]
    [InlineData("contacts.jsonl", """{"id":"c-x","fields":{"tags":["a","b\udfff"]}}""", "$.fields.tags[1]")]
    [InlineData("contacts.jsonl", """{"id":"c-x","lists":{"news\uDC00":"subscribed"}}""", "$.lists")]
    [InlineData("events.jsonl", """{"id":"e-x","contactId":"c1","kind":"pixel","name":"v\uD800","at":"2026-11-01T00:00:00Z"}""", "$.name")]
    [InlineData("events.jsonl", """{"id":"e-x","contactId":"c1","kind":"pixel","name":"v","at":"2026-11-01T00:00:00Z","properties":{"p":{"q":"\ud800x"}}}""", "$.properties.p.q")]
    public void A_lone_surrogate_is_an_error_at_its_line_and_path(string file, string line, string path)
    {
        var data = RandomDataSet.Generate(16, contacts: 10, definitions: 1);
        using var folder = new DataSetFolder(data);
        var lines = File.ReadAllLines(Path.Combine(folder.Path, file)).ToList();
        lines.Insert(2, line);
        File.WriteAllLines(Path.Combine(folder.Path, file), lines);

        var thrown = Assert.Throws<DataSetException>(() => DataSetReader.Open(folder.Path, null, 1 << 20, 3));

        Assert.Equal(new DataSetError(file, 3, path, JsonFields.NotUnicodeText), Assert.Single(thrown.Errors));
        Assert.Null(ContactLine.TryCheck(System.Text.Encoding.UTF8.GetBytes(line)));
    }

    [Theory]
    [InlineData("schema.json", """{"fields":{"pl\uDFFFan":"text"}}""", "$.fields")]
    [InlineData("segments.json", """[{"id":"s1","name":"x\ud800","match":{"everyone":{}}}]""", "$[0].name")]
    public void A_lone_surrogate_in_the_schema_or_the_definitions_is_an_error_at_its_path(string file, string json, string path)
    {
        var data = RandomDataSet.Generate(18, contacts: 10, definitions: 1);
        using var folder = new DataSetFolder(data);
        File.WriteAllText(Path.Combine(folder.Path, file), json);

        var thrown = Assert.Throws<DataSetException>(() => DataSetReader.Open(folder.Path, null, 1 << 20, 3));

        Assert.Contains(new DataSetError(file, null, path, JsonFields.NotUnicodeText), thrown.Errors);
    }

    [Fact]
    public void An_escaped_surrogate_pair_reads_as_its_character()
    {
        var data = RandomDataSet.Generate(17, contacts: 10, definitions: 1);
        using var folder = new DataSetFolder(data);
        File.AppendAllText(Path.Combine(folder.Path, "contacts.jsonl"), """{"id":"c-pair","firstName":"smile \ud83d\ude00"}""" + "\n");

        var reader = DataSetReader.Open(folder.Path, RandomDataSets.WholeSpan, 1 << 20, 3);
        var folded = new ContactDocument[reader.ContactCount];
        reader.Fold((number, contact) => folded[number] = contact);

        Assert.Equal("smile \U0001F600", Assert.Single(folded, d => d.Id == "c-pair").FirstName);
    }

    [Fact]
    public void Events_of_unknown_contacts_are_counted_over_every_chunk_in_the_order_they_first_appear()
    {
        var data = RandomDataSet.Generate(15, contacts: 20, definitions: 1);
        using var folder = new DataSetFolder(data);
        var stranger = new ContactEvent { Id = "s", ContactId = "zz-stranger", Kind = EventKind.Pixel, Name = "page_view", At = data.AsOf };
        var lines = File.ReadAllLines(Path.Combine(folder.Path, "events.jsonl")).ToList();
        lines.Insert(3, JsonSerializer.Serialize(JsonNode.Parse(EventWriter.ToUtf8(stranger with { ContactId = "aa-other" }))));
        lines.Insert(1, JsonSerializer.Serialize(JsonNode.Parse(EventWriter.ToUtf8(stranger))));
        lines.Add(JsonSerializer.Serialize(JsonNode.Parse(EventWriter.ToUtf8(stranger with { Id = "s2" }))));
        File.WriteAllLines(Path.Combine(folder.Path, "events.jsonl"), lines);

        var reader = DataSetReader.Open(folder.Path, RandomDataSets.WholeSpan, 128, 4);

        Assert.Equal(
            [
                "events.jsonl: 2 event(s) of contact 'zz-stranger', who is not in contacts.jsonl, were left out",
                "events.jsonl: 1 event(s) of contact 'aa-other', who is not in contacts.jsonl, were left out",
            ],
            reader.Warnings);
    }

    /// <summary>The reading the offline reader replaced: line by line, each contact's events folded at once.</summary>
    private static List<ContactDocument> Sequential(string folder)
    {
        var documents = new Dictionary<string, ContactDocument>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var line in File.ReadLines(Path.Combine(folder, "contacts.jsonl")).Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            var profile = InputReader.ReadContact(JsonDocument.Parse(line).RootElement).Contact!;
            if (!documents.TryGetValue(profile.Id, out var document))
            {
                document = new ContactDocument(profile.Id);
                order.Add(profile.Id);
            }
            documents[profile.Id] = document.WithProfile(profile);
        }
        var events = File.ReadLines(Path.Combine(folder, "events.jsonl")).Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => InputReader.ReadEvent(JsonDocument.Parse(l).RootElement).Event!);
        var fold = new ContactFolder(RandomDataSets.WholeSpan);
        foreach (var group in events.GroupBy(e => e.ContactId, StringComparer.Ordinal))
        {
            if (documents.TryGetValue(group.Key, out var document))
            {
                documents[group.Key] = fold.Fold(document, [.. group]).Document;
            }
        }
        return [.. order.Select(id => documents[id])];
    }

    private static IEnumerable<DataSetError> SequentialErrors<T>(string file, Func<JsonElement, string, (T?, IReadOnlyList<ValidationError>)> read)
    {
        var number = 0;
        foreach (var line in File.ReadLines(file))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            List<DataSetError> errors;
            try
            {
                errors = [.. read(JsonDocument.Parse(line).RootElement, "$").Item2.Select(e => new DataSetError(Path.GetFileName(file), number, e.Path, e.Message))];
            }
            catch (JsonException e)
            {
                errors = [new DataSetError(Path.GetFileName(file), number, "$", $"not valid JSON: {e.Message}")];
            }
            foreach (var error in errors)
            {
                yield return error;
            }
        }
    }

    /// <summary>A random data set written as an offline folder, deleted on dispose.</summary>
    private sealed class DataSetFolder(RandomDataSet data) : IDisposable
    {
        public string Path { get; } = RandomDataSets.Write(data);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
