using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Segments.Api.Authentication;
using Segments.Api.Ingestion;

namespace Segments.Functions.Http;

/// <summary>The console's pixel setup: the API key's tenant, then the handler <c>segments serve</c> calls.</summary>
public sealed class PixelSetupFunctions(PixelSetupHandler setup)
{
    [Function("RecentPixelHits")]
    public Task<IResult> Recent([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pixel/recent")] HttpRequest request) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => setup.RecentAsync(t, request.HttpContext.RequestAborted));
}
