using System.Text.Json;
using Segments.Engine.Input;
using Segments.Engine.Tests.Reference;

namespace Segments.Engine.Tests;

public class ContactWriterTests
{
    [Fact]
    public void Written_contacts_read_back_equal()
    {
        var data = RandomDataSet.Generate(22, contacts: 200, definitions: 1);
        foreach (var line in data.Contacts)
        {
            var (original, errors) = InputReader.ReadContact(JsonDocument.Parse(line.ToJsonString()).RootElement);
            Assert.Empty(errors);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer))
            {
                ContactWriter.Write(json, original!);
            }
            var (again, againErrors) = InputReader.ReadContact(JsonDocument.Parse(buffer.WrittenMemory).RootElement);
            Assert.Empty(againErrors);
            Assert.Equal(original, again! with { Lists = original!.Lists });
            Assert.Equal(original.Lists.OrderBy(l => l.Key, StringComparer.Ordinal), again!.Lists.OrderBy(l => l.Key, StringComparer.Ordinal));
        }
    }
}
