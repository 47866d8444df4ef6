using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Segments.Api.Tests;

/// <summary>
/// The one reading path of JSON bodies (<c>JsonBody</c>) on every management route: whatever is wrong with a body is a
/// 4xx problem naming where, never a 500, and a body over the limit is refused before it is read.
/// </summary>
public sealed class RequestBodyTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync(Backends.InMemory);
        _api = _host.Client(TestTenant.A);
        await (await _api.PutAsync("/api/schema", """{"fields":{"plan":"text","mrr":"number"}}""")).JsonAsync();
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _host.DisposeAsync();
    }

    /// <summary>Each route that reads a JSON body, with a body it takes.</summary>
    public static TheoryData<string, string, string> Bodies => new()
    {
        { "PUT", "/api/contacts/c1", """{"email":"ana@example.com","firstName":"Ana","fields":{"plan":"Pro","mrr":620},"lists":{"newsletter":"subscribed"}}""" },
        { "PUT", "/api/segments/pro", """{"name":"Pro","description":"Pro plan","match":{"and":[{"field":{"name":"plan","op":"in","value":["Pro","Team"]}},{"list":{"id":"newsletter","status":"subscribed"}}]}}""" },
        { "POST", "/api/segments/validate", """{"id":"pro","name":"Pro","match":{"pixel":{"event":"page_view","where":[{"property":"path","op":"starts_with","value":"/pricing"}],"within":"7d"}}}""" },
        { "PUT", "/api/schema", """{"fields":{"plan":"text","mrr":"number","since":"date"}}""" },
        { "POST", "/api/suppressions", """[{"contactId":"c1","reason":"manual","at":"2026-10-01T00:00:00Z"},{"contactId":"c2","reason":"complaint","at":"2026-10-02T00:00:00Z"}]""" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_lone_surrogate_in_any_string_or_property_name_is_a_400_at_its_path(string method, string path, string body)
    {
        var positions = Strings(JsonNode.Parse(body)!, "$").ToList();
        Assert.NotEmpty(positions);
        foreach (var (at, replace) in positions)
        {
            var problem = await (await _api.SendAsync(new HttpMethod(method), path, replace("\\ud800"))).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains(problem.Errors, e => e.Path == at && e.Message.Contains("lone surrogate", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Malformed_json_is_a_400_naming_where_it_breaks(string method, string path, string body)
    {
        string[] malformed =
        [
            body[..(body.Length / 2)], body.Replace(":", ":NaN,\"x\":", StringComparison.Ordinal), $"{body[..^1]},{body[^1]}",
            body.Replace("\"", "'", StringComparison.Ordinal), "", new string('[', 200) + new string(']', 200),
        ];
        foreach (var text in malformed)
        {
            var problem = await (await _api.SendAsync(new HttpMethod(method), path, text)).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("$", problem.Errors[0].Path);
            Assert.True(Regex.IsMatch(problem.Errors[0].Message, "line [0-9]+, byte [0-9]+|nests deeper"), $"{text}: {problem.Errors[0].Message}");
        }
    }

    [Fact]
    public async Task Numbers_out_of_range_and_duplicate_properties_are_400_at_their_paths()
    {
        var huge = await (await _api.PutAsync("/api/contacts/c1", """{"fields":{"mrr":1e400,"plan":"Pro"}}""")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("$.fields.mrr", "the number is outside the range of a 64-bit floating-point number"), Assert.Single(huge.Errors));
        var negative = await (await _api.PostAsync("/api/segments/validate",
            """{"id":"x","name":"X","match":{"field":{"name":"mrr","op":"gt","value":-1e309}}}""")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("$.match.field.value", Assert.Single(negative.Errors).Path);
        var twice = await (await _api.PutAsync("/api/contacts/c1", """{"email":"a@example.com","email":"b@example.com"}""")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("$.email", "the property 'email' is given twice in this object"), Assert.Single(twice.Errors));
    }

    [Theory]
    [InlineData("""{"fields":{"plan":1,"\u0070lan":2}}""", "$.fields.plan", "plan")] // escaped after plain
    [InlineData("""{"fields":{"\u0070lan":1,"plan":2}}""", "$.fields.plan", "plan")] // plain after escaped
    [InlineData("""{"fields":{"\u0070lan":1,"p\u006can":2}}""", "$.fields.plan", "plan")] // both escaped
    [InlineData("""{"fields":{"a":{"x":1},"b":{"x":1},"x":1}}""", null, null)] // the same name in other objects
    public async Task A_name_given_twice_is_found_however_it_is_escaped(string body, string? path, string? name)
    {
        var response = await _api.PutAsync("/api/contacts/c1", body);
        if (path is null)
        {
            Assert.DoesNotContain("given twice", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            return;
        }
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal((path, $"the property '{name}' is given twice in this object"), Assert.Single(problem.Errors));
    }

    [Fact]
    public async Task A_name_given_twice_in_a_large_object_is_found()
    {
        var fields = string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"f{i}\":{i}"));
        var problem = await (await _api.PutAsync("/api/contacts/c1", $$$"""{"fields":{{{{fields}}},"f\u0037":7}}""")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("$.fields.f7", "the property 'f7' is given twice in this object"), Assert.Single(problem.Errors));
    }

    [Fact]
    public async Task Invalid_utf8_in_a_string_is_a_400_at_its_path()
    {
        byte[] body = [.. "{\"email\":\"a"u8.ToArray(), 0xC3, 0x28, .. "@example.com\"}"u8.ToArray()];
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/contacts/c1") { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");

        var problem = await (await _api.SendAsync(request)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(("$.email", "the string is not valid UTF-8"), Assert.Single(problem.Errors));
    }

    [Fact]
    public async Task A_string_over_the_length_limit_is_a_400_at_its_path_but_a_long_description_is_taken()
    {
        var contact = await (await _api.PutAsync("/api/contacts/c1", $$"""{"firstName":"{{new string('a', 4097)}}"}""")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(("$.firstName", "the string is longer than 4096 characters"), Assert.Single(contact.Errors));
        var name = await (await _api.PutAsync("/api/contacts/c1", "{\"fields\":{\"" + new string('n', 257) + "\":1}}")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("$.fields[?]", Assert.Single(name.Errors).Path);
        var described = "{\"name\":\"X\",\"description\":\"" + new string('d', 10_000) + "\",\"match\":{\"list\":{\"id\":\"newsletter\"}}}";
        await (await _api.PutAsync("/api/segments/x", described)).JsonAsync(HttpStatusCode.Created);
        var longName = await (await _api.PutAsync("/api/segments/x", "{\"name\":\"" + new string('n', 300) + "\",\"match\":{\"list\":{\"id\":\"n\"}}}")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("$.name", Assert.Single(longName.Errors).Path);
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_missing_or_wrong_content_type_is_a_415_problem(string method, string path, string body)
    {
        foreach (var type in new[] { null, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16", "not a type" })
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
            if (type is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
            await (await _api.SendAsync(request)).ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        }
        var vendor = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/merge-patch+json") };
        Assert.True((await _api.SendAsync(vendor)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_refused_413_before_it_is_read()
    {
        // The request says 30 MB are coming and sends none: only a refusal from the headers can answer it in time.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_host.Address.Host, _host.Address.Port);
        var stream = tcp.GetStream();
        var head = $"PUT /api/contacts/c1 HTTP/1.1\r\nHost: {_host.Address.Authority}\r\nAuthorization: Bearer {TestTenant.A.ApiKey}\r\n" +
            "Content-Type: application/json\r\nContent-Length: 31457280\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var response = Encoding.ASCII.GetString(buffer, 0, read);
        Assert.StartsWith("HTTP/1.1 413", response, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", response, StringComparison.Ordinal);

        // Without a Content-Length (chunked), reading stops at the limit.
        var chunked = new HttpRequestMessage(HttpMethod.Put, "/api/contacts/c1")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"email":"{{new string('a', 2 * 1024 * 1024)}}"}"""))),
        };
        chunked.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        chunked.Headers.TransferEncodingChunked = true;
        await (await _api.SendAsync(chunked)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    /// <summary>
    /// Each string value and property name of a body: the path the reader reports for it (a name that is no text has no
    /// readable path: <c>[?]</c>) and the body written with that string replaced by raw JSON string content.
    /// </summary>
    private static IEnumerable<(string Path, Func<string, string> Replace)> Strings(JsonNode root, string path)
    {
        var targets = new List<(string Path, bool Name)>();
        Collect(root, path, targets);
        return targets.Select(t => (t.Name ? t.Path[..t.Path.LastIndexOf('.')] + "[?]" : t.Path,
            (Func<string, string>)(raw => Render(root, path, t, raw))));
    }

    private static void Collect(JsonNode node, string at, List<(string, bool)> targets)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    targets.Add(($"{at}.{name}", true));
                    Collect(value!, $"{at}.{name}", targets);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    Collect(a[i]!, $"{at}[{i}]", targets);
                }
                break;
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String:
                targets.Add((at, false));
                break;
        }
    }

    /// <summary>The body as JSON text, with the string at <paramref name="target"/> written as <c>"raw"</c>.</summary>
    private static string Render(JsonNode node, string at, (string Path, bool Name) target, string raw) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.Select(p =>
            (target == ($"{at}.{p.Key}", true) ? $"\"{raw}\"" : JsonValue.Create(p.Key).ToJsonString()) + ":" + Render(p.Value!, $"{at}.{p.Key}", target, raw))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select((n, i) => Render(n!, $"{at}[{i}]", target, raw))) + "]",
        _ when target == (at, false) => $"\"{raw}\"",
        _ => node.ToJsonString(),
    };
}
