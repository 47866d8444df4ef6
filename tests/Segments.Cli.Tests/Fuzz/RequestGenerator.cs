using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Segments.Cli.Tests.Fuzz;

/// <summary>A generated request: what to send, and how to describe it when it fails.</summary>
internal sealed record FuzzRequest(ApiOperation Operation, string Method, string PathAndQuery, IReadOnlyList<(string Name, string Value)> Headers,
    byte[]? Body, string? ContentType)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), PathAndQuery);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }
        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        return message;
    }

    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 600)) + (Body.Length > 600 ? $"… ({Body.Length} bytes)" : "");
        return $"{Method} {PathAndQuery}\n{string.Join("\n", Headers.Select(h => $"{h.Name}: {(h.Value.Length > 200 ? h.Value[..200] + "…" : h.Value)}"))}\nContent-Type: {ContentType}\n{body}";
    }
}

/// <summary>
/// Requests for any operation of an OpenAPI document, from a seeded generator (the same seed gives the same requests):
/// mostly well-formed and authorised, so that they reach the handlers, with hostile values where they hurt: path ids
/// outside their pattern, query values out of range, bodies made from the operation's schema and then broken (a lone
/// surrogate, 1e400, deep nesting, wrong types, unknown or repeated properties, invalid UTF-8, truncation, oversize),
/// wrong or missing keys and media types. Nothing here names a route: a route added to the document is fuzzed too.
/// </summary>
internal sealed partial class RequestGenerator(JsonElement document, Random random, string apiKey, string pixelKey, string origin)
{
    private static readonly string[] Ids = ["pro", "vip", "c1", "c2", "b1", "d1", "t1", "e2e", "a", "x-1"];

    private static readonly string[] HostileIds =
    [
        "UPPER", "a|b", "%ED%A0%80", "%F0%9F%98%80", new string('a', 300), "-", "a--b", "%00", "%25", "a%2Fb", "%20", "%C3%28", "%C3%BC",
        new string('x', 64), "%E2%80%AE", "null", "0", "c1%0A", "..%2F..",
    ];

    private static readonly string[] QueryValues =
    [
        "", "0", "1", "3", "10", "-1", "100", "1000", "1001", "1e400", "NaN", "Infinity", "99999999999999999999", "0x10", "1.5",
        "2026-11-26T12:00:00Z", "2026-11-26T12:00:00+14:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1969-12-31T23:59:59Z",
        "2026-11-26", "0001-01-01", "9999-12-31", "2026-02-30", "total", "country", "client", "list", "bogus", "%ED%A0%80",
        "%F0%9F%98%80", new string('9', 400), "MnxhYmM", "MHw", "MXw", "%00", "true",
    ];

    private static readonly string[] Words = ["pro", "Pro", "newsletter", "subscribed", "unsubscribed", "page_view", "open", "click", "EUR", "x", ""];

    /// <summary>Values for strings by the name of their property: ids that exist, fields of the schema the test sets.</summary>
    private static readonly Dictionary<string, string[]> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["segment"] = Ids,
        ["id"] = Ids,
        ["contactId"] = Ids,
        ["list"] = ["newsletter", "product"],
        ["name"] = ["plan", "mrr", "since", "vip", "page_view", "open"],
        ["property"] = ["path", "url", "plan"],
        ["on"] = ["entered", "left"],
        ["visitor"] = ["3f2b8c1e-5a4d-4e6f-9b7a-1c2d3e4f5a6b"],
    };

    /// <summary>Values a pattern may take; the first ones that match a schema's pattern are used for it.</summary>
    private static readonly string[] PatternCandidates = ["7d", "30d", "12h", "30m", "4w", "pro", "vip", "c1", "a-b", "x1", "EUR", "page_view"];

    private static readonly string[] Hostile =
    [
        "\"\\ud800\"", "\"a\\udfff\"", "\"\\ud800\\ud800\"", "1e400", "-1e400", "1e308", "-1e-400", "123456789012345678901234567890",
        "-0", "0.1e-320", "true", "null", "[]", "{}", "\"\"", "\"\\u0000\"", "\"\\u202e\"", "\"\\ud83d\\ude00\"", "-9223372036854775809",
        "18446744073709551616", "\"2026-11-26T12:00:00Z\"", "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.9999999Z\"", "\"9999-12-31\"",
        "\"-1d\"", "\"99999999999999d\"", "\"3651d\"", "\"0m\"",
    ];

    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "",
        "curl/8.5.0", "Googlebot/2.1 (+http://www.google.com/bot.html)", new string('A', 3000), "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)",
    ];

    private readonly JsonElement _schemas = document.GetProperty("components").TryGetProperty("schemas", out var s) ? s : default;

    public FuzzRequest Next(ApiOperation operation)
    {
        var path = PathParameter().Replace(operation.Path, _ => Chance(0.75) ? Pick(Ids) : Pick(HostileIds));
        var query = new List<string>();
        var headers = new List<(string, string)>();
        foreach (var parameter in operation.Parameters)
        {
            if (parameter.In == "query" && (parameter.Required ? Chance(0.95) : Chance(0.6)))
            {
                query.Add($"{Uri.EscapeDataString(parameter.Name)}={QueryValue(parameter)}");
            }
            else if (parameter.In == "header" && Chance(0.3))
            {
                headers.Add((parameter.Name, Pick(["*", "\"1\"", "W/\"1\"", "garbage", "\"\"", "\"18\", \"19\""])));
            }
        }
        if (Chance(0.1))
        {
            query.Add($"{Pick(["p.x", "foo", "%ED%A0%80", "p.", "k", "", "p.%F0%9F%98%80"])}={Pick(QueryValues)}");
        }
        headers.AddRange(Identity(operation));
        var (body, contentType) = Body(operation);
        var pathAndQuery = query.Count == 0 ? path : $"{path}?{string.Join("&", query)}";
        return new FuzzRequest(operation, operation.Method, pathAndQuery, headers, body, contentType);
    }

    private string QueryValue(ApiParameter parameter) => parameter.Name switch
    {
        "k" => Chance(0.85) ? pixelKey : Pick(["", "pk_nobody", "%ED%A0%80", new string('k', 200)]),
        "v" => Chance(0.8) ? VisitorId() : Pick(["short", "", new string('v', 65), "%00"]),
        "t" => Pick(["", "x.y", "not-a-token", "MXxlMmV8YzF8MHw5OTk5OTk5OTk5OTk5OTk5.AAAA", new string('t', 3000)]),
        _ when parameter.Schema is { } schema && Chance(0.3) => Uri.EscapeDataString(Scalar(Resolve(schema)).Trim('"')),
        _ => Pick(QueryValues),
    };

    private IEnumerable<(string, string)> Identity(ApiOperation operation)
    {
        if (!operation.Public || Chance(0.1))
        {
            var authorization = Chance(0.9) ? $"Bearer {apiKey}" : Pick([null, "Bearer wrong-key-of-the-right-length-000", "Basic dXNlcjpwYXNz", "Bearer ", $"bearer {apiKey}", "garbage"]);
            if (authorization is not null)
            {
                yield return ("Authorization", authorization);
            }
        }
        if (operation.Public)
        {
            var from = Chance(0.8) ? origin : Pick([null, "null", "https://elsewhere.example", "http://127.0.0.1", "%%%"]);
            if (from is not null)
            {
                yield return (Chance(0.5) ? "Origin" : "Referer", Chance(0.5) || from == "null" ? from : $"{from}/page");
            }
        }
        yield return ("User-Agent", Pick(Agents));
    }

    private (byte[]? Body, string? ContentType) Body(ApiOperation operation)
    {
        if (operation.Method is not ("POST" or "PUT" or "PATCH"))
        {
            return (null, null);
        }
        var declared = operation.Bodies.Keys.ToList();
        var contentType = declared.Count > 0 && Chance(0.85)
            ? Pick(declared)
            : Pick([null, "text/plain", "application/json", "application/json; charset=utf-16", "application/xml", "nonsense", "multipart/form-data"]);
        if (Chance(0.005))
        {
            // Over every route's limit (1 MiB for the management routes).
            return (Encoding.UTF8.GetBytes($"{{\"x\":\"{new string('x', 1_100_000)}\"}}"), contentType);
        }
        var schema = declared.Count > 0 ? operation.Bodies[declared[0]] : default;
        var json = schema.ValueKind == JsonValueKind.Object ? Value(schema, 0) : Random(0);
        if (Chance(0.6))
        {
            json = Mutate(json);
        }
        var text = json.ToString();
        var bytes = Encoding.UTF8.GetBytes(text);
        return random.Next(20) switch
        {
            0 => (bytes[..random.Next(bytes.Length + 1)], contentType),
            1 => ([.. Encoding.UTF8.Preamble, .. bytes], contentType),
            2 => (Corrupt(bytes), contentType),
            3 => ([], contentType),
            _ => (bytes, contentType),
        };
    }

    private byte[] Corrupt(byte[] bytes)
    {
        var copy = bytes.ToList();
        copy.InsertRange(random.Next(copy.Count + 1), Pick<byte[]>([[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x00]]));
        return [.. copy];
    }

    private JsonText Mutate(JsonText json)
    {
        var target = random.Next(json.Count);
        return json.Replace(target, node => random.Next(8) switch
        {
            0 or 1 or 2 => new Raw(Pick(Hostile)),
            3 => Deep(random.Next(2) == 0 ? 70 : 200),
            4 => JsonText.String(new string('s', Pick([257, 4097, 70_000]))),
            5 when node is ObjectText o => new ObjectText([.. o.Properties, (Pick(["\"\\ud800\"", "\"unknown\"", "\"\"", $"\"{new string('n', 300)}\"", "\"__proto__\""]), new Raw("1"))]),
            6 when node is ObjectText { Properties.Count: > 0 } o => new ObjectText([.. o.Properties, o.Properties[random.Next(o.Properties.Count)]]),
            7 when node is ObjectText { Properties.Count: > 0 } o => Without(o, random.Next(o.Properties.Count)),
            _ => new ArrayText([.. Enumerable.Repeat(node, random.Next(0, 3))]),
        });
    }

    private static ObjectText Without(ObjectText o, int index) => new([.. o.Properties.Where((_, i) => i != index)]);

    private string VisitorId()
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private static JsonText Deep(int depth) => new Raw(string.Concat(Enumerable.Repeat("{\"and\":[", depth)) + "{}" + string.Concat(Enumerable.Repeat("]}", depth)));

    /// <summary>A value of the schema (resolving references), mostly as the reader wants it.</summary>
    private JsonText Value(JsonElement schema, int depth, string? name = null)
    {
        schema = Resolve(schema);
        if (depth > 7)
        {
            return Random(depth);
        }
        if (schema.TryGetProperty("const", out var constant))
        {
            return new Raw(constant.GetRawText());
        }
        if (schema.TryGetProperty("enum", out var values) && values.GetArrayLength() > 0)
        {
            return new Raw(values[random.Next(values.GetArrayLength())].GetRawText());
        }
        foreach (var choice in new[] { "oneOf", "anyOf" })
        {
            if (schema.TryGetProperty(choice, out var branches) && branches.GetArrayLength() > 0)
            {
                return Value(branches[random.Next(branches.GetArrayLength())], depth + 1);
            }
        }
        var type = TypeOf(schema);
        if (type is null && schema.TryGetProperty("allOf", out var all) && all.GetArrayLength() > 0 && !schema.TryGetProperty("properties", out _))
        {
            return Value(all[0], depth + 1);
        }
        return type switch
        {
            "object" => Object(schema, depth),
            "array" => Array(schema, depth),
            "null" => new Raw("null"),
            null => Random(depth),
            "string" when name is not null && ByName.TryGetValue(name, out var named) && !schema.TryGetProperty("format", out _) && Chance(0.8) =>
                JsonText.String(Pick(named)),
            _ => new Raw(Scalar(schema)),
        };
    }

    private JsonText Object(JsonElement schema, int depth)
    {
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(n => n.GetString()!).ToHashSet() : [];
        var properties = new List<(string, JsonText)>();
        if (schema.TryGetProperty("properties", out var declared))
        {
            foreach (var property in declared.EnumerateObject())
            {
                if (required.Contains(property.Name) ? Chance(0.97) : Chance(0.5))
                {
                    properties.Add((JsonSerializer.Serialize(property.Name), Value(property.Value, depth + 1, property.Name)));
                }
            }
        }
        if (schema.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind == JsonValueKind.Object)
        {
            foreach (var i in Enumerable.Range(0, random.Next(4)))
            {
                properties.Add((JsonSerializer.Serialize(Pick(["plan", "mrr", "path", "newsletter", $"f{i}", "x"])), Value(extra, depth + 1)));
            }
        }
        return new ObjectText(properties);
    }

    private JsonText Array(JsonElement schema, int depth)
    {
        var min = schema.TryGetProperty("minItems", out var m) ? m.GetInt32() : 0;
        var items = schema.TryGetProperty("items", out var i) ? i : default;
        return new ArrayText([.. Enumerable.Range(0, min + random.Next(3)).Select(_ => items.ValueKind == JsonValueKind.Object ? Value(items, depth + 1) : Random(depth + 1))]);
    }

    /// <summary>A scalar of the schema's type, as JSON text.</summary>
    private string Scalar(JsonElement schema)
    {
        if (schema.TryGetProperty("enum", out var values) && values.GetArrayLength() > 0)
        {
            return values[random.Next(values.GetArrayLength())].GetRawText();
        }
        var type = TypeOf(schema);
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        return type switch
        {
            "integer" => random.Next(-2, 200).ToString(CultureInfo.InvariantCulture),
            "number" => (random.NextDouble() * 1000).ToString("0.##", CultureInfo.InvariantCulture),
            "boolean" => Chance(0.5) ? "true" : "false",
            _ when format == "date-time" => JsonSerializer.Serialize(DateTimeOffset.UtcNow.AddDays(-random.Next(0, 30)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
            _ when schema.TryGetProperty("pattern", out var pattern) => JsonSerializer.Serialize(
                PatternCandidates.Where(c => Regex.IsMatch(c, pattern.GetString()!)).DefaultIfEmpty(Pick(Words)).First()),
            _ => JsonSerializer.Serialize(Pick(Words)),
        };
    }

    private JsonText Random(int depth) => random.Next(depth > 3 ? 4 : 6) switch
    {
        0 => JsonText.String(Pick(Words)),
        1 => new Raw(random.Next(-5, 1000).ToString(CultureInfo.InvariantCulture)),
        2 => new Raw(Chance(0.5) ? "true" : "null"),
        3 => new Raw(Pick(Hostile)),
        4 => new ObjectText([.. Enumerable.Range(0, random.Next(3)).Select(i => (JsonSerializer.Serialize(Pick(Words) + i), Random(depth + 1)))]),
        _ => new ArrayText([.. Enumerable.Range(0, random.Next(3)).Select(_ => Random(depth + 1))]),
    };

    private JsonElement Resolve(JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference) && reference.GetString() is { } name && name.StartsWith("#/components/schemas/", StringComparison.Ordinal)
            && _schemas.ValueKind == JsonValueKind.Object && _schemas.TryGetProperty(name["#/components/schemas/".Length..], out var target))
        {
            schema = target;
        }
        return schema;
    }

    private string? TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return schema.TryGetProperty("properties", out _) ? "object" : schema.TryGetProperty("items", out _) ? "array" : null;
        }
        if (type.ValueKind == JsonValueKind.String)
        {
            return type.GetString();
        }
        var types = type.EnumerateArray().Select(t => t.GetString()!).ToList();
        var concrete = types.Where(t => t != "null").ToList();
        return concrete.Count > 0 && Chance(0.9) ? Pick(concrete) : "null";
    }

    private bool Chance(double p) => random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> options) => options[random.Next(options.Count)];

    [GeneratedRegex("\\{[^}]+\\}")]
    private static partial Regex PathParameter();
}
