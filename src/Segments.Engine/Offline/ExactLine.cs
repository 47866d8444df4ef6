using System.Text;
using System.Text.Json;
using Segments.Engine.Input;
using Segments.Engine.Language;

namespace Segments.Engine.Offline;

/// <summary>
/// A line of a JSON Lines file read by the exact reader of its shape (<see cref="Input.InputReader"/>), every problem
/// reported with the file, the line and the JSON path; blank lines are skipped. What the fast paths leave over
/// comes here, so the errors are always this reader's words.
/// </summary>
internal static class ExactLine
{
    public static T? Read<T>(ReadOnlySpan<byte> line, int number, string file, List<DataSetError> errors,
        Func<JsonElement, string, (T?, IReadOnlyList<ValidationError>)> read)
        where T : class
    {
        // Decoded as File.ReadLines decodes (invalid UTF-8 becomes replacement characters), then parsed as text.
        var text = Encoding.UTF8.GetString(line);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(text);
            var (value, problems) = read(json.RootElement, "$");
            foreach (var problem in problems)
            {
                errors.Add(new DataSetError(file, number, problem.Path, problem.Message));
            }
            return value;
        }
        catch (JsonException e)
        {
            errors.Add(new DataSetError(file, number, "$", $"not valid JSON: {e.Message}"));
            return null;
        }
        catch (InvalidOperationException)
        {
            // Valid JSON whose escapes make a lone surrogate ("\ud800"): decoding that string threw; say which one.
            using var json = JsonDocument.Parse(text);
            if (JsonFields.UndecodablePath(json.RootElement, "$") is not { } path)
            {
                throw; // Not a string that does not decode: a fault of the reader's, not of the line.
            }
            errors.Add(new DataSetError(file, number, path, JsonFields.NotUnicodeText));
            return null;
        }
    }

    /// <summary>
    /// Whether a line escapes a surrogate (<c>\ud800</c> to <c>\udfff</c>), which may be a lone one that no string can
    /// hold: the fast paths leave such (rare) lines here, where decoding one is an error with its path.
    /// </summary>
    public static bool EscapesSurrogate(ReadOnlySpan<byte> line)
    {
        for (var at = line.IndexOf("\\u"u8); at >= 0; at = line.IndexOf("\\u"u8))
        {
            if (at + 3 < line.Length && (line[at + 2] | 0x20) == 'd' && (line[at + 3] | 0x20) is (byte)'8' or (byte)'9' or (>= (byte)'a' and <= (byte)'f'))
            {
                return true;
            }
            line = line[(at + 2)..];
        }
        return false;
    }
}
