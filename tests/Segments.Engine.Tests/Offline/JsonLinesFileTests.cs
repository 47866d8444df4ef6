using System.Text;
using CsCheck;
using Segments.Engine.Offline;

namespace Segments.Engine.Tests.Offline;

public class JsonLinesFileTests
{
    private static readonly Gen<string> Text = Gen.OneOf("{\"a\":1}", "", " ", "x", "é", "\r", "\n", "\r\n", "\n\n", "\r\r\n", "{}").Array[0, 30]
        .Select(parts => string.Concat(parts));

    [Fact]
    public void Chunks_give_the_lines_and_numbers_of_the_sequential_reader_whatever_their_size()
    {
        Gen.Select(Text, Gen.Int[1, 40], Gen.Bool).Sample((text, chunkBytes, bom) =>
        {
            var file = Path.GetTempFileName();
            try
            {
                File.WriteAllBytes(file, [.. (bom ? Encoding.UTF8.Preamble : []), .. Encoding.UTF8.GetBytes(text)]);
                var chunks = JsonLinesFile.Parse(file, reader =>
                {
                    var lines = new List<(int, string)>();
                    reader.ForEachLine((line, number) => lines.Add((number, Encoding.UTF8.GetString(line))));
                    return lines;
                }, chunkBytes);
                var actual = chunks.SelectMany(c => c.Result.Select(l => (l.Item1 + c.LinesBefore, l.Item2))).ToList();
                var expected = File.ReadLines(file).Select((line, i) => (i + 1, line)).ToList();
                Assert.Equal(expected, actual);
            }
            finally
            {
                File.Delete(file);
            }
        }, iter: 300);
    }

    [Fact]
    public void A_utf16_file_is_read_as_the_sequential_reader_decodes_it()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "{\"a\":\"ü\"}\r\n\n{\"b\":2}", Encoding.Unicode);
            var lines = JsonLinesFile.Parse(file, reader =>
            {
                var found = new List<string>();
                reader.ForEachLine((line, _) => found.Add(Encoding.UTF8.GetString(line)));
                return found;
            }).Single().Result;
            Assert.Equal(File.ReadLines(file), lines);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
