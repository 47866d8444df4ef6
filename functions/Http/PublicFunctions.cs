using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Segments.Api;
using Segments.Api.Ingestion;

namespace Segments.Functions.Http;

/// <summary>The routes without an API key: the pixel (admitted by its pixel key and origin) and the OpenAPI document.</summary>
public sealed class PublicFunctions(PixelHandlers pixel)
{
    [Function("CollectSnippet")]
    public async Task<IResult> Snippet([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "collect.js")] HttpRequest request)
    {
        await Api.Ingestion.Snippet.WriteAsync(request.HttpContext);
        return TypedResults.Empty;
    }

    [Function("PixelGif")]
    public async Task<IResult> Gif([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "px.gif")] HttpRequest request)
    {
        await pixel.GifAsync(request.HttpContext);
        return TypedResults.Empty;
    }

    [Function("Collect")]
    public Task<IResult> Collect([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "collect")] HttpRequest request) =>
        pixel.CollectAsync(request, request.HttpContext.RequestAborted);

    [Function("OpenApi")]
    public async Task<IResult> OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request)
    {
        await ApiRouteTable.WriteOpenApiAsync(request.HttpContext);
        return TypedResults.Empty;
    }
}
