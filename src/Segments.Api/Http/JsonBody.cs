using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Segments.Engine.Input;
using Segments.Engine.Language;

namespace Segments.Api.Http;

/// <summary>
/// The one way a route reads a JSON body. In order: the media type (415 unless JSON, and UTF-8 when a charset is
/// named), the size (413 over the route's limit, before more than that is read), the syntax (400 naming the line and
/// byte: not JSON, nested too deep, NaN or Infinity), then every value (400 with its JSON path: text that is not valid
/// UTF-8 or escapes a lone surrogate, a string or property name over the length limit, a property given twice in one
/// object, a number outside the range of a double such as <c>1e400</c>). What passes is safe for any reader: every
/// string decodes and every number is finite. The route's reader then checks the shape (types, required and unknown
/// properties) with paths of its own. Within the items of the route's batch array those value problems are the
/// item's (<see cref="ProblemsOf"/>), so one bad item is rejected alone.
/// </summary>
public sealed class JsonBody : IDisposable
{
    /// <summary>How many value problems are reported before the walk stops: enough to fix a body, not a flood.</summary>
    public const int MaxProblems = 20;


    private readonly BoundedBody? _bytes;
    private readonly JsonDocument? _document;
    private readonly Dictionary<int, List<ValidationError>> _itemProblems;

    private JsonBody(BoundedBody? bytes, JsonDocument? document, Dictionary<int, List<ValidationError>> itemProblems)
    {
        _bytes = bytes;
        _document = document;
        _itemProblems = itemProblems;
    }

    /// <summary>The body; <see cref="JsonValueKind.Undefined"/> when an optional body was left out.</summary>
    public JsonElement Root => _document?.RootElement ?? default;

    public bool IsEmpty => _document is null;

    /// <summary>The value problems of the item at <paramref name="index"/> of the batch array (empty when it has none).</summary>
    public IReadOnlyList<ValidationError> ProblemsOf(int index) => _itemProblems.TryGetValue(index, out var problems) ? problems : [];

    /// <summary>The body, or why the request is refused whole (415, 413 or 400 with the paths of its problems).</summary>
    public static async Task<(JsonBody? Body, Refusal? Refusal)> ReadAsync(HttpRequest request, JsonBodyRules rules, CancellationToken cancellationToken)
    {
        var mayBeEmpty = rules.Optional && string.IsNullOrEmpty(request.ContentType) && request.ContentLength is null or 0;
        if (!mayBeEmpty && !IsJson(request.ContentType, rules.AcceptsTextPlain))
        {
            return (null, new Refusal(StatusCodes.Status415UnsupportedMediaType, "media_type", "$", rules.AcceptsTextPlain
                ? "send the body as text/plain (as navigator.sendBeacon does) or application/json, in UTF-8"
                : $"send the body as JSON: Content-Type: application/json (in UTF-8), not '{request.ContentType}'"));
        }
        var (bytes, tooLarge) = await BoundedBody.ReadAsync(request, rules.MaxBytes, cancellationToken);
        if (bytes is null)
        {
            return (null, tooLarge);
        }
        if (bytes.Length == 0 && rules.Optional)
        {
            bytes.Dispose();
            return (new JsonBody(null, null, []), null);
        }
        if (mayBeEmpty)
        {
            bytes.Dispose();
            return (null, new Refusal(StatusCodes.Status415UnsupportedMediaType, "media_type", "$",
                "send the body as JSON: Content-Type: application/json (in UTF-8)"));
        }
        JsonDocument document;
        try
        {
            var json = bytes.Memory.Span.StartsWith(Encoding.UTF8.Preamble) ? bytes.Memory[3..] : bytes.Memory;
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = rules.MaxDepth });
        }
        catch (JsonException e)
        {
            bytes.Dispose();
            return (null, Refusal.Invalid("json", "$", Syntax(e, rules)));
        }
        var walk = new Walk(rules);
        walk.Value(document.RootElement, depth: 0, item: null);
        if (walk.Problems.Count > 0)
        {
            document.Dispose();
            bytes.Dispose();
            return (null, new Refusal(StatusCodes.Status400BadRequest, "json", walk.Problems));
        }
        return (new JsonBody(bytes, document, walk.ItemProblems), null);
    }

    /// <summary>
    /// The body with the path's id: a body that names no id takes the path's; one that names another id is refused
    /// (the path says which resource is written). The result lives as long as this body.
    /// </summary>
    public static (JsonElement Body, ValidationError? Error) WithId(JsonElement body, string id)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (body, null); // The reader says what shape it expects.
        }
        if (body.TryGetProperty("id", out var named))
        {
            return named.ValueKind == JsonValueKind.String && named.GetString() == id
                ? (body, null)
                : (body, new ValidationError("$.id", $"the body names {named.GetRawText()} but the path names '{id}'; leave 'id' out or make them the same"));
        }
        // The caller's text is kept as it came (a definition is stored as text): only the id is written anew, and
        // characters are not re-escaped.
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            foreach (var property in body.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                writer.WriteRawValue(property.Value.GetRawText(), skipInputValidation: true);
            }
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (document.RootElement.Clone(), null);
    }

    public void Dispose()
    {
        _document?.Dispose();
        _bytes?.Dispose();
    }

    private static bool IsJson(string? contentType, bool textPlain)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }
        if (media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !media.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            || (textPlain && type.Equals("text/plain", StringComparison.OrdinalIgnoreCase));
    }

    private static string Syntax(JsonException e, JsonBodyRules rules)
    {
        var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
        // The reader's messages name the problem well ("'N' is an invalid start of a value", "Duplicate property 'id'",
        // "the maximum configured depth of 72"); the position is written in the words of this API.
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        }
        message = cut > 0 ? message[..cut].TrimEnd('.', ' ') : message.TrimEnd('.');
        return message.Contains("depth", StringComparison.OrdinalIgnoreCase)
            ? $"the body nests deeper than {rules.MaxDepth} levels{where}"
            : $"the body is not valid JSON{where}: {message}";
    }

    /// <summary>
    /// A pass over every value, with the path of where it is. The path is kept as steps and written out only for a
    /// problem, and names are compared as the bytes they are written in where no escape makes that ambiguous: every
    /// event the ingestion routes take passes here, nearly always without a problem.
    /// </summary>
    private sealed class Walk(JsonBodyRules rules)
    {
        /// <summary>Up to this many properties an object's names are compared pairwise, beyond it through a set of names.</summary>
        private const int PairwiseNames = 16;

        private readonly List<Step> _path = [];

        /// <summary>The properties seen so far of each object being walked, innermost last.</summary>
        private readonly List<JsonProperty> _seen = [];

        public List<ValidationError> Problems { get; } = [];

        public Dictionary<int, List<ValidationError>> ItemProblems { get; } = [];

        private int _count;

        /// <summary>A property of that name (<see cref="Step.Unnamed"/>: one whose name is no text), or an array index.</summary>
        private readonly record struct Step(JsonProperty Property, int Index, bool Unnamed)
        {
            public bool IsIndex => Index >= 0;
        }

        public void Value(JsonElement value, int depth, int? item)
        {
            if (_count >= MaxProblems)
            {
                return;
            }
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    if (Text(JsonMarshal.GetRawUtf8Value(value)[1..^1], value, static v => v.GetString(), rules.MaxStringLength) is { } problem)
                    {
                        Add(item, $"the string {problem}");
                    }
                    break;
                case JsonValueKind.Number:
                    if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
                    {
                        Add(item, "the number is outside the range of a 64-bit floating-point number");
                    }
                    break;
                case JsonValueKind.Object:
                    // A name given twice is ambiguous (readers would take one of the values silently): refused.
                    HashSet<string>? names = value.GetPropertyCount() > PairwiseNames ? new(StringComparer.Ordinal) : null;
                    var first = _seen.Count;
                    foreach (var property in value.EnumerateObject())
                    {
                        var nameProblem = Text(JsonMarshal.GetRawUtf8PropertyName(property), property, static p => p.Name, rules.MaxNameLength);
                        _path.Add(new Step(property, -1, Unnamed: nameProblem is not null));
                        if (nameProblem is not null)
                        {
                            Add(item, $"the property name {nameProblem}");
                        }
                        else if (names is null ? GivenBefore(property, first) : !names.Add(property.Name))
                        {
                            Add(item, $"the property '{property.Name}' is given twice in this object");
                        }
                        if (names is null && nameProblem is null)
                        {
                            _seen.Add(property);
                        }
                        Value(property.Value, depth + 1, item);
                        _path.RemoveAt(_path.Count - 1);
                    }
                    _seen.RemoveRange(first, _seen.Count - first);
                    break;
                case JsonValueKind.Array:
                    var batch = item is null && rules.BatchPath is { } at && depth <= 2 && Path() == at;
                    var index = 0;
                    foreach (var element in value.EnumerateArray())
                    {
                        _path.Add(new Step(default, index, Unnamed: false));
                        Value(element, depth + 1, batch ? index : item);
                        _path.RemoveAt(_path.Count - 1);
                        index++;
                    }
                    break;
            }
        }

        /// <summary>Whether an earlier property of the same object (from <paramref name="first"/> in the seen ones) has this name.</summary>
        private bool GivenBefore(JsonProperty property, int first)
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            var escaped = raw.IndexOf((byte)'\\') >= 0;
            for (var i = first; i < _seen.Count; i++)
            {
                var other = JsonMarshal.GetRawUtf8PropertyName(_seen[i]);
                // NameEquals unescapes the property's own name; the other side must be plain bytes.
                if (other.IndexOf((byte)'\\') < 0 ? property.NameEquals(other) : !escaped ? _seen[i].NameEquals(raw) : _seen[i].Name == property.Name)
                {
                    return true;
                }
            }
            return false;
        }

        private string Path()
        {
            var path = new StringBuilder("$");
            foreach (var step in _path)
            {
                path.Append(step.IsIndex ? $"[{step.Index}]" : step.Unnamed ? "[?]" : Segment(step.Property.Name));
            }
            return path.ToString();
        }

        private void Add(int? item, string message)
        {
            _count++;
            var error = new ValidationError(Path(), message);
            if (item is { } index)
            {
                if (!ItemProblems.TryGetValue(index, out var problems))
                {
                    ItemProblems[index] = problems = [];
                }
                problems.Add(error);
            }
            else
            {
                Problems.Add(error);
            }
        }

        /// <summary>What is wrong with a string as written (without its quotes), or null when nothing is.</summary>
        private static string? Text<T>(ReadOnlySpan<byte> raw, T source, Func<T, string?> decode, int maxLength)
        {
            if (raw.IndexOf((byte)'\\') < 0)
            {
                // Unescaped: the bytes are the text. The reader does not check UTF-8 inside strings; this does.
                if (!Utf8.IsValid(raw))
                {
                    return "is not valid UTF-8";
                }
                return raw.Length > maxLength && Encoding.UTF8.GetCharCount(raw) > maxLength ? TooLong(maxLength) : null;
            }
            try
            {
                // Escapes may make a lone surrogate ("\ud800"), which is no text: decoding it throws.
                return decode(source)!.Length > maxLength ? TooLong(maxLength) : null;
            }
            catch (InvalidOperationException)
            {
                return JsonFields.NotUnicodeText;
            }
        }

        private static string TooLong(int maxLength) => $"is longer than {maxLength} characters";

        private static string Segment(string name) =>
             name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
                ? $".{name}"
                : $"['{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";
    }
}
