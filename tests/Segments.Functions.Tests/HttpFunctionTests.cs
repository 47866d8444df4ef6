using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Segments.Core.Ports;
using Segments.Functions.Http;

namespace Segments.Functions.Tests;

/// <summary>HTTP functions called as the worker calls them, over in-memory stores.</summary>
public sealed class HttpFunctionTests
{
    private const string Definition = """{"name":"Big spenders","match":{"field":{"name":"mrr","op":"gt","value":500}}}""";

    [Theory]
    [InlineData(null)]
    [InlineData("an-unknown-key-of-24-chars-or-more")]
    public async Task A_route_that_needs_an_api_key_answers_401_with_a_problem_without_a_known_one(string? key)
    {
        await using var services = FunctionsApp.Services();
        var context = FunctionsApp.Request(services, "GET", "/api/segments", key);

        var (status, body) = await FunctionsApp.ExecuteAsync(context, await Segments(context).List(context.Request));

        Assert.Equal(401, status);
        Assert.Equal(key is null ? "Bearer" : "Bearer error=\"invalid_token\"", context.Response.Headers.WWWAuthenticate.ToString());
        Assert.StartsWith("application/problem+json", context.Response.ContentType);
        Assert.Equal("$", (string?)JsonNode.Parse(body)!["errors"]![0]!["path"]);
        Assert.Equal(key is null ? "An API key is required" : "Unknown API key", (string?)JsonNode.Parse(body)!["title"]);
    }

    [Fact]
    public async Task A_segment_saved_through_a_function_is_read_back_by_its_tenant_and_not_found_by_another()
    {
        await using var services = FunctionsApp.Services();
        var schema = FunctionsApp.Request(services, "PUT", "/api/schema", FunctionsApp.KeyA, """{"fields":{"mrr":"number"}}""");
        Assert.Equal(200, (await FunctionsApp.ExecuteAsync(schema, await Segments(schema).PutSchema(schema.Request))).Status);

        var put = FunctionsApp.Request(services, "PUT", "/api/segments/big-spenders", FunctionsApp.KeyA, Definition);
        var (created, _) = await FunctionsApp.ExecuteAsync(put, await Segments(put).Put(put.Request, "big-spenders"));
        Assert.Equal(201, created);

        var get = FunctionsApp.Request(services, "GET", "/api/segments/big-spenders", FunctionsApp.KeyA);
        var (status, body) = await FunctionsApp.ExecuteAsync(get, await Segments(get).Get(get.Request, "big-spenders"));
        Assert.Equal(200, status);
        Assert.Equal("Big spenders", (string?)JsonNode.Parse(body)!["definition"]!["name"]);
        Assert.False(string.IsNullOrEmpty(get.Response.Headers.ETag));

        var other = FunctionsApp.Request(services, "GET", "/api/segments/big-spenders", FunctionsApp.KeyB);
        Assert.Equal(404, (await FunctionsApp.ExecuteAsync(other, await Segments(other).Get(other.Request, "big-spenders"))).Status);
    }

    [Fact]
    public async Task The_openapi_function_serves_the_document_of_every_route()
    {
        await using var services = FunctionsApp.Services();
        var context = FunctionsApp.Request(services, "GET", "/api/openapi.json");

        var (status, body) = await FunctionsApp.ExecuteAsync(context,
            await ActivatorUtilities.CreateInstance<PublicFunctions>(context.RequestServices).OpenApi(context.Request));

        Assert.Equal(200, status);
        var paths = JsonNode.Parse(body)!["paths"]!.AsObject().Select(p => p.Key).ToHashSet();
        var routes = FunctionsApp.RouteTable(services).Select(r => r[(r.IndexOf(' ') + 1)..]).Where(p => p != "/api/openapi.json").ToHashSet();
        Assert.Equal(routes.Order(), paths.Order());
    }

    [Fact]
    public async Task The_pixel_function_answers_a_gif_even_to_a_hit_without_a_pixel_key()
    {
        await using var services = FunctionsApp.Services();
        var context = FunctionsApp.Request(services, "GET", "/api/px.gif");
        context.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?e=page_view");

        var (status, _) = await FunctionsApp.ExecuteAsync(context,
            await ActivatorUtilities.CreateInstance<PublicFunctions>(context.RequestServices).Gif(context.Request));

        Assert.Equal(200, status);
        Assert.Equal("image/gif", context.Response.ContentType);
        Assert.Equal(Api.Ingestion.Gif.Bytes, ((MemoryStream)context.Response.Body).ToArray());
    }

    private static SegmentFunctions Segments(Microsoft.AspNetCore.Http.HttpContext context) =>
        ActivatorUtilities.CreateInstance<SegmentFunctions>(context.RequestServices);
}
