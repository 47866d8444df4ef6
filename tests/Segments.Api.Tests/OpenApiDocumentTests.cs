using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Segments.Api.Broadcasts;
using Segments.Api.Http;
using Segments.Api.Ingestion;
using Segments.Api.Jobs;
using Segments.Api.Membership;
using Segments.Core.Ports;
using Segments.Embedded.Pixel;

namespace Segments.Api.Tests;

/// <summary>The OpenAPI document of every route (the route table the Functions app serves, the same as <c>segments serve</c>'s).</summary>
public sealed class OpenApiDocumentTests
{
    private static readonly Lazy<Task<JsonElement>> Document = new(ReadAsync);

    [Fact]
    public async Task The_document_has_a_title_and_a_description()
    {
        var info = (await Document.Value).GetProperty("info");

        Assert.Equal(ApiDocument.Title, info.GetProperty("title").GetString());
        Assert.Contains("problem+json", info.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_request_body_has_a_schema_with_properties_or_items()
    {
        var document = await Document.Value;
        var bodies = Operations(document).Where(o => o.Operation.TryGetProperty("requestBody", out _)).ToList();

        Assert.True(bodies.Count >= 11, string.Join(", ", bodies.Select(b => b.Name)));
        foreach (var (name, operation) in bodies)
        {
            foreach (var media in operation.GetProperty("requestBody").GetProperty("content").EnumerateObject())
            {
                var schema = Resolve(document, media.Value.GetProperty("schema"));
                Assert.True(schema.TryGetProperty("properties", out _) || schema.TryGetProperty("items", out _), $"{name} {media.Name}: {schema}");
            }
        }
    }

    [Fact]
    public async Task A_definition_is_described_by_its_json_schema_and_if_match_where_it_is_honoured()
    {
        var document = await Document.Value;
        var put = Operation(document, "put", "/api/segments/{id}");

        Assert.Equal("#/components/schemas/SegmentDefinition",
            put.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var definition = document.GetProperty("components").GetProperty("schemas").GetProperty("SegmentDefinition");
        Assert.Equal(["id", "name", "match"], definition.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("#/components/schemas/SegmentDefinition.condition", definition.GetProperty("properties").GetProperty("match").GetProperty("$ref").GetString());
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("SegmentDefinition.condition", out _));
        foreach (var method in new[] { "put", "delete" })
        {
            Assert.Contains(Operation(document, method, "/api/segments/{id}").GetProperty("parameters").EnumerateArray(),
                p => p.GetProperty("name").GetString() == "If-Match" && p.GetProperty("in").GetString() == "header");
        }
    }

    [Fact]
    public async Task The_pixel_routes_take_the_pixel_key_and_no_bearer_key_while_every_other_route_takes_the_bearer_key()
    {
        var document = await Document.Value;
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("apiKey").GetProperty("scheme").GetString());
        Assert.True(document.GetProperty("security")[0].TryGetProperty("apiKey", out _));
        foreach (var (name, operation) in Operations(document))
        {
            var pixel = name is "GET /api/collect.js" or "GET /api/px.gif" or "POST /api/collect";
            Assert.Equal(pixel, operation.TryGetProperty("security", out var security) && security.GetArrayLength() == 0);
            if (pixel)
            {
                Assert.Contains(operation.GetProperty("parameters").EnumerateArray(),
                    p => p.GetProperty("name").GetString() == "k" && p.GetProperty("in").GetString() == "query" && p.GetProperty("required").GetBoolean());
            }
        }
        var gif = Operation(document, "get", "/api/px.gif").GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString());
        Assert.Equal(["k", "t", "v", "e", "id", "kind", "value", "currency"], gif);
    }

    [Fact]
    public async Task Request_shapes_are_closed_and_require_what_their_readers_require()
    {
        var document = await Document.Value;
        JsonElement Body(string method, string path) =>
            Resolve(document, Operation(document, method, path).GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));

        var trigger = Body("put", "/api/triggers/{id}");
        Assert.False(trigger.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["on", "segment"], trigger.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order());
        Assert.Equal(["entered", "left"], trigger.GetProperty("properties").GetProperty("on").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["id", "segment"], Body("post", "/api/broadcasts").GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order());
        Assert.False(Body("put", "/api/contacts/{id}").GetProperty("additionalProperties").GetBoolean());
    }

    private static IEnumerable<(string Name, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Select(operation => ($"{operation.Name.ToUpperInvariant()} {path.Name}", operation.Value)));

    private static JsonElement Operation(JsonElement document, string method, string path) => document.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static JsonElement Resolve(JsonElement document, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..])
            : schema;

    /// <summary>The document as the route table writes it, with the API's handlers registered as a host registers them.</summary>
    private static async Task<JsonElement> ReadAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(ApiHost.TenantSettings(TestTenant.A)).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration)
            .AddSingleton<IHostEnvironment>(new HostingEnvironment { ApplicationName = "Segments.Api.Tests", EnvironmentName = Environments.Production })
            .AddSingleton<IPixelHitLog, InMemoryPixelHitLog>();
        services.AddSegmentsApi(configuration).AddIngestion(configuration).AddMembershipHandlers().AddBroadcastsApi().AddJobsApi().AddApiRouteTable();
        await using var provider = services.BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = provider };
        context.Request.Method = "GET";
        context.Request.Path = ApiDocument.Path;
        context.Response.Body = new MemoryStream();
        await ApiRouteTable.WriteOpenApiAsync(context);
        context.Response.Body.Position = 0;
        return JsonDocument.Parse(context.Response.Body).RootElement.Clone();
    }
}
