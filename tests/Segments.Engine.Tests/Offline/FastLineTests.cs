using System.Text;
using CsCheck;
using Segments.Engine.Documents;
using Segments.Engine.Input;
using Segments.Engine.Model;
using Segments.Engine.Offline;

namespace Segments.Engine.Tests.Offline;

/// <summary>
/// The offline reader's fast paths against the exact reader (<see cref="InputReader"/>) on lines that are clean,
/// subtly wrong and plainly broken: whatever a fast path accepts, the exact reader reads without a problem and to
/// the same values; and clean lines do take the fast path.
/// </summary>
public class FastLineTests
{
    // Declared before the values that use them (static fields initialise in order).
    private static readonly string[] Times =
    [
        "2026-11-01T10:00:00Z", "2026-11-01T10:00:00.5Z", "2026-11-01T10:00:00.1234567Z", "2026-11-01T10:00:00.123456789Z",
        "2026-11-01T10:00:00+02:00", "2026-11-01T10:00:00-05:30", "2026-11-01t10:00:00z", "2026-11-01", "2026-02-30T10:00:00Z",
        "2024-02-29T23:59:59Z", "2026-11-01T24:00:00Z", "2026-11-01T23:59:60Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.9999999Z", "2026-11-01T10:00Z", "2026-11-01T10:00:00.Z", "2026-13-01T10:00:00Z", "2026-11-01 10:00:00Z",
        "2026-11-01T10:00:00+14:00", "2026-11-01T10:00:00+15:00",
    ];

    private static readonly Dictionary<string, string[]> EventValues = new()
    {
        ["id"] = ["\"e1\"", "\"e-2\"", "\"\\u00651\"", "\"\"", "5", "null", "\"é\"", "\"a\\\"b\""],
        ["contactId"] = ["\"c1\"", "\"c2\"", "\"\"", "7", "\"c\\u0031\"", "{}"],
        ["kind"] = ["\"email\"", "\"pixel\"", "\"conversion\"", "\"sms\"", "\"Email\"", "\"em\\u0061il\"", "1"],
        ["name"] = ["\"open\"", "\"Open\"", "\"page_view\"", "\"\"", "null", "true", "\"purchase\""],
        ["at"] = [.. Times.Select(t => $"\"{t}\""), "5", "null"],
        ["campaignId"] = ["\"cmp-1\"", "\"\"", "null", "3", "[]"],
        ["properties"] = ["{}", "{\"path\":\"/pricing\"}", "{\"a\":1,\"a\":\"x\"}", "{\"n\":1e400}", "{\"o\":{}}", "{\"l\":[1]}", "null", "[]",
            "{\"b\":true,\"z\":null,\"d\":\"2026-11-01\"}", "{\"listId\":\"newsletter\"}", "\"x\"",
            "{\"cart\":{\"items\":[{\"price\":29,\"sku\":\"PRO-M\"}],\"total\":29},\"sku\":\"PRO-M\"}", "{\"l\":[[[[[[[1]]]]]]]}",
            "{\"l\":[[[[[[[[1]]]]]]]]}", "{\"o\":{\"o\":{\"o\":{\"o\":{\"o\":{\"o\":{\"o\":{}}}}}}}}", "{\"l\":[{\"n\":1e400}]}"],
        ["geo"] = ["{\"country\":\"DE\"}", "{}", "{\"country\":5}", "{\"planet\":\"x\"}", "{\"country\":\"DE\",\"country\":\"FR\"}", "null", "\"DE\"",
            "{\"country\":\"DE\",\"region\":null,\"city\":\"Berlin\"}"],
        ["device"] = ["{\"client\":\"Gmail\",\"type\":\"mobile\",\"os\":\"Android\"}", "{}", "{\"os\":[]}", "null", "{\"\\u0074ype\":\"x\"}"],
        ["value"] = ["49", "\"49\"", "1e400", "{}", "[1,2]", "null", "-0.5", "true"],
        ["currency"] = ["\"EUR\"", "5", "null", "\"\""],
        ["bot"] = ["true", "false", "null", "\"yes\"", "0"],
        ["extra"] = ["1"],
    };

    private static readonly Gen<string> Space = Gen.OneOf("", "", "", " ", "\t", "  ");

    /// <summary>An event line: mostly the usual keys, in any order, sometimes missing, doubled or unknown, then a mutation.</summary>
    private static readonly Gen<byte[]> EventLines =
        Gen.Select(
            Gen.Shuffle(EventValues.Keys.ToArray()),
            Gen.Int[0, 1000].Array[EventValues.Count],
            Space.Array[EventValues.Count * 2],
            Gen.Int[0, 99],
            Gen.Int[0, 10_000])
        .Select((keys, picks, spaces, mutation, where) =>
        {
            var parts = new List<string>();
            for (var k = 0; k < keys.Length; k++)
            {
                var key = keys[k];
                var required = key is "id" or "contactId" or "kind" or "name" or "at";
                if ((key == "extra" && picks[k] % 10 != 0) || (!required && picks[k] % 3 == 0) || (required && picks[k] % 40 == 0))
                {
                    continue;
                }
                var values = EventValues[key];
                // Mostly the first (valid) values, so that many lines are clean.
                var value = picks[k] % 4 == 0 ? values[picks[k] % values.Length] : values[picks[k] % Math.Min(2, values.Length)];
                parts.Add($"{spaces[2 * k]}\"{key}\"{spaces[(2 * k) + 1]}:{value}");
                if (picks[k] % 97 == 0)
                {
                    parts.Add($"\"{key}\":{value}");
                }
            }
            return Mutate(Encoding.UTF8.GetBytes("{" + string.Join(",", parts) + "}"), mutation, where);
        });

    private static byte[] Mutate(byte[] line, int mutation, int where)
    {
        var at = where % (line.Length + 1);
        return mutation switch
        {
            0 => [.. line[..at], 0xFF, .. line[at..]],
            1 => [.. line[..at], 0x01, .. line[at..]],
            2 => [.. line, .. "x"u8],
            3 => [.. line, .. " {}"u8],
            4 => line[..at],
            5 => [.. line, .. " "u8],
            6 => [.. line[..at], .. "\\"u8, .. line[at..]],
            7 => [.. line[..at], .. "\""u8, .. line[at..]],
            _ => line,
        };
    }

    [Fact]
    public void What_the_fast_event_path_accepts_the_exact_reader_reads_to_the_same_values()
    {
        var accepted = 0;
        EventLines.Sample(line =>
        {
            var errors = new List<DataSetError>();
            var exact = ExactLine.Read(line, 1, "events.jsonl", errors, InputReader.ReadEvent);
            if (EventLine.TryScan(line, out var scanned))
            {
                Interlocked.Increment(ref accepted);
                Assert.True(errors.Count == 0, $"{Encoding.UTF8.GetString(line)}: {string.Join("; ", errors)}");
                Assert.Equal(exact!.Id, Encoding.UTF8.GetString(line.AsSpan()[scanned.Id]));
                Assert.Equal(exact.ContactId, Encoding.UTF8.GetString(line.AsSpan()[scanned.ContactId]));
                Assert.Equal(exact.At.UtcTicks, scanned.AtTicks);
            }
        }, iter: 20_000);
        Assert.True(accepted > 1000, $"only {accepted} lines took the fast path");
    }

    [Theory]
    [InlineData("{\"cart\":{\"items\":[{\"price\":29,\"sku\":\"PRO-M\"}],\"total\":29}}", true)]
    [InlineData("{\"l\":[[[[[[[1]]]]]]]}", true)] // properties and 7 levels: the deepest allowed
    [InlineData("{\"l\":[[[[[[[[1]]]]]]]]}", false)]
    [InlineData("{\"o\":{\"o\":{\"o\":{\"o\":{\"o\":{\"o\":{\"o\":{}}}}}}}}", true)]
    [InlineData("{\"o\":{\"o\":{\"o\":{\"o\":{\"o\":{\"o\":{\"o\":{\"o\":{}}}}}}}}}", false)]
    public void Nested_properties_take_the_fast_path_as_deep_as_the_exact_reader_reads_them(string properties, bool clean)
    {
        var line = Encoding.UTF8.GetBytes($"{{\"id\":\"e1\",\"contactId\":\"c1\",\"kind\":\"pixel\",\"name\":\"add_to_cart\",\"at\":\"2026-11-01T10:00:00Z\",\"properties\":{properties}}}");
        var errors = new List<DataSetError>();
        Assert.Equal(clean, ExactLine.Read(line, 1, "events.jsonl", errors, InputReader.ReadEvent) is not null);
        Assert.Equal(clean, EventLine.TryScan(line, out _));
    }

    [Fact]
    public void The_fast_time_parse_reads_every_date_time_as_the_language_does()
    {
        Gen.Select(Gen.Int[0, 10_000], Gen.Int[0, 13], Gen.Int[0, 32], Gen.Int[0, 24], Gen.Int[0, 60], Gen.Int[0, 60], Gen.Int[0, 9_999_999], Gen.Int[0, 8])
            .Sample((year, month, day, hour, minute, second, fraction, digits) =>
            {
                var text = $"{year:D4}-{month:D2}-{day:D2}T{hour:D2}:{minute:D2}:{second:D2}{(digits == 0 ? "" : "." + fraction.ToString("D7", System.Globalization.CultureInfo.InvariantCulture)[..Math.Min(digits, 7)])}Z";
                var expected = DateValue.TryParse(text, out var value) && !value.IsDay ? value.Start.UtcTicks : (long?)null;
                Assert.Equal(expected, EventLine.TryParseInstant(Encoding.UTF8.GetBytes(text), out var ticks) ? ticks : null);
            }, iter: 100_000);
    }

    /// <summary>A clean line with three holes for the id, the contact id and the time.</summary>
    private static readonly Gen<string> Templates =
        Gen.Select(Gen.Shuffle(new[] { "id", "contactId", "kind", "name", "at", "campaignId", "properties", "geo" }), Gen.Int[0, 4])
            .Select((keys, variant) => "{" + string.Join(",", keys.Select(key => key switch
            {
                "id" => "\"id\":\"§id§\"",
                "contactId" => "\"contactId\":\"§contact§\"",
                "at" => "\"at\":\"§at§\"",
                "kind" => "\"kind\":\"email\"",
                "name" => $"\"name\":\"{(variant % 2 == 0 ? "open" : "click")}\"",
                "campaignId" => $"\"campaignId\":\"cmp-{variant}\"",
                "properties" => variant == 3 ? "\"properties\":{\"id\":\"x\",\"at\":\"y\"}" : "\"properties\":{}",
                _ => "\"geo\":{\"country\":\"DE\"}",
            })) + "}");

    private static readonly Gen<string> HoleValues = Gen.OneOf(
        Gen.OneOf("e7", "c9", "", "\u0001", "a\\u0041", "a\\\"b", "ü", "x\"y", "\\", " "),
        Gen.OneOf(Times));

    [Fact]
    public void A_line_of_a_learnt_shape_is_taken_only_when_the_exact_reader_reads_it_to_the_same_content()
    {
        var matches = 0;
        Gen.Select(Templates, HoleValues, HoleValues, HoleValues, Gen.Bool).Sample((template, id, contact, at, invalidUtf8) =>
        {
            var shapes = new LineShapes();
            var contents = new EventContents();
            var learnt = Encoding.UTF8.GetBytes(Fill(template, "e1", "c1", "2026-11-01T10:00:00Z"));
            Assert.True(EventLine.TryScan(learnt, out var scanned), Encoding.UTF8.GetString(learnt));
            var first = ExactLine.Read(learnt, 1, "events.jsonl", [], InputReader.ReadEvent)!;
            shapes.Learn(learnt, scanned, contents.Number(EventInfo.From(first)));

            var text = Fill(template, id, contact, at);
            byte[] line = invalidUtf8 ? [.. Encoding.UTF8.GetBytes(text.Replace("ü", "\u0000", StringComparison.Ordinal)).Select(b => b == 0 ? (byte)0xC3 : b)]
                : Encoding.UTF8.GetBytes(text);
            var errors = new List<DataSetError>();
            var exact = ExactLine.Read(line, 1, "events.jsonl", errors, InputReader.ReadEvent);
            if (shapes.TryMatch(line, out var matched, out var content))
            {
                Interlocked.Increment(ref matches);
                Assert.True(errors.Count == 0, $"{text}: {string.Join("; ", errors)}");
                Assert.Equal(EventInfo.From(exact!), contents.ToArray()[content]);
                Assert.Equal(exact!.Id, Encoding.UTF8.GetString(line.AsSpan()[matched.Id]));
                Assert.Equal(exact.ContactId, Encoding.UTF8.GetString(line.AsSpan()[matched.ContactId]));
                Assert.Equal(exact.At.UtcTicks, matched.AtTicks);
            }
        }, iter: 20_000);
        Assert.True(matches > 1000, $"only {matches} lines matched a learnt shape");
    }

    private static string Fill(string template, string id, string contact, string at) =>
        template.Replace("§id§", id, StringComparison.Ordinal).Replace("§contact§", contact, StringComparison.Ordinal).Replace("§at§", at, StringComparison.Ordinal);

    [Fact]
    public void Clean_event_lines_take_the_fast_paths()
    {
        var shapes = new LineShapes();
        var written = new ContactEvent
        {
            Id = "e1",
            ContactId = "c1",
            Kind = EventKind.Email,
            Name = "open",
            At = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero),
            CampaignId = "cmp-1",
            Geo = new TextBag("DE", null, "Berlin"),
        };
        var line = EventWriter.ToUtf8(written);
        Assert.True(EventLine.TryScan(line, out var scanned));
        shapes.Learn(line, scanned, 0);
        Assert.True(shapes.TryMatch(EventWriter.ToUtf8(written with { Id = "e22", ContactId = "c3", At = written.At.AddSeconds(1.5) }), out var matched, out var content));
        Assert.Equal((0, written.At.AddSeconds(1.5).UtcTicks), (content, matched.AtTicks));
        Assert.False(shapes.TryMatch(EventWriter.ToUtf8(written with { Name = "click" }), out _, out _));
    }

    private static readonly Dictionary<string, string[]> ContactValues = new()
    {
        ["id"] = ["\"c1\"", "\"c\\u0032\"", "\"\"", "5", "null"],
        ["email"] = ["\"a@example.com\"", "5", "null", "{\"x\":1}", "[]", "\"\""],
        ["firstName"] = ["\"Ana\"", "\"Zo\\u00eb\"", "false"],
        ["lastName"] = ["\"Smith\"", "null", "[1]"],
        ["createdAt"] = ["\"2025-01-01T00:00:00Z\"", "\"2025-01-01\"", "\"yesterday\"", "\"2025-01-01T00:00:00+02:00\"", "1", "null"],
        ["fields"] = ["{\"plan\":\"Pro\",\"mrr\":620}", "{}", "null", "{\"plan\":\"Pro\",\"plan\":\"Free\"}", "{\"d\":\"2026-11-01\",\"v\":true,\"n\":null}",
            "{\"x\":{}}", "{\"x\":[]}", "{\"n\":1e400}", "[]", "\"x\"", "{\"\\u0070lan\":\"pro\"}",
            "{\"interests\":[\"golf\",\"ski\"],\"plan\":\"Pro\"}", "{\"o\":{\"a\":[1,{\"b\":null,\"c\":\"2026-11-01\"}],\"a\":true}}",
            "{\"l\":[1e400]}", "{\"l\":[\"x\",[]],\"r\":{\"n\":{\"m\":1e400}}}"],
        ["lists"] = ["{\"newsletter\":\"subscribed\"}", "{}", "null", "{\"a\":\"\"}", "{\"a\":5}", "{\"a\":\"x\",\"a\":\"y\"}", "[]", "{\"a\":null}"],
        ["extra"] = ["1"],
    };

    private static readonly Gen<byte[]> ContactLines =
        Gen.Select(Gen.Shuffle(ContactValues.Keys.ToArray()), Gen.Int[0, 1000].Array[ContactValues.Count], Gen.Int[0, 99], Gen.Int[0, 10_000])
            .Select((keys, picks, mutation, where) =>
            {
                var parts = new List<string>();
                for (var k = 0; k < keys.Length; k++)
                {
                    var key = keys[k];
                    if ((key == "extra" && picks[k] % 10 != 0) || (key != "id" && picks[k] % 3 == 0) || (key == "id" && picks[k] % 40 == 0))
                    {
                        continue;
                    }
                    var values = ContactValues[key];
                    parts.Add($"\"{key}\":{(picks[k] % 4 == 0 ? values[picks[k] % values.Length] : values[0])}");
                    if (picks[k] % 97 == 0)
                    {
                        parts.Add($"\"{key}\":{values[0]}");
                    }
                }
                return Mutate(Encoding.UTF8.GetBytes("{" + string.Join(", ", parts) + "}"), mutation, where);
            });

    /// <summary>The document of the profile the exact reader read, property by property (the arrays by content).</summary>
    private static void AssertSameDocument(ContactProfile exact, ContactDocument fast)
    {
        var expected = new ContactDocument(exact.Id).WithProfile(exact);
        Assert.Equal(expected.Lists, fast.Lists);
        Assert.Equal(expected, fast with { Lists = expected.Lists });
    }

    [Fact]
    public void What_the_fast_contact_path_accepts_the_exact_reader_reads_to_the_same_profile()
    {
        var pool = new TextPool();
        var accepted = 0;
        ContactLines.Sample(line =>
        {
            var errors = new List<DataSetError>();
            var exact = ExactLine.Read(line, 1, "contacts.jsonl", errors, InputReader.ReadContact);
            var read = ContactLine.TryRead(line, pool);
            Assert.Equal(read?.Id, ContactLine.TryCheck(line));
            if (read is { } fast)
            {
                Interlocked.Increment(ref accepted);
                Assert.True(errors.Count == 0, $"{Encoding.UTF8.GetString(line)}: {string.Join("; ", errors)}");
                AssertSameDocument(exact!, fast);
            }
        }, iter: 20_000, threads: 1);
        Assert.True(accepted > 1000, $"only {accepted} lines took the fast path");
    }
    [Fact]
    public void Clean_contact_lines_with_tags_and_nested_values_take_the_fast_path()
    {
        var line = """{"id":"c1","email":"a@example.com","createdAt":"2023-04-11T12:00:00Z","fields":{"interests":["golf","running"],"mrr":0,"o":{"a":[1,null]},"plan":"Free"},"lists":{"newsletter":"subscribed"}}"""u8;
        var fast = ContactLine.TryRead(line, new TextPool());
        Assert.NotNull(fast);
        var exact = ExactLine.Read(line, 1, "contacts.jsonl", [], InputReader.ReadContact)!;
        AssertSameDocument(exact, fast);
        Assert.True(fast.Fields.Get("interests").IsTextList);
    }
}
