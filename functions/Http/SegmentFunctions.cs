using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Segments.Api.Authentication;
using Segments.Api.Segments;
using Segments.Core.Ports;

namespace Segments.Functions.Http;

/// <summary>The segment and schema routes: the API key's tenant, then the handler <c>segments serve</c> calls.</summary>
public sealed class SegmentFunctions(SegmentHandlers segments, MemberHandlers members, SchemaHandlers schema)
{
    [Function("ListSegments")]
    public Task<IResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments")] HttpRequest request) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => segments.ListAsync(t, request.HttpContext.RequestAborted));

    [Function("ValidateSegment")]
    public Task<IResult> Validate([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "segments/validate")] HttpRequest request) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => segments.ValidateAsync(t, request, request.HttpContext.RequestAborted));

    [Function("PutSegment")]
    public Task<IResult> Put([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "segments/{id}")] HttpRequest request, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => segments.PutAsync(t, id, request, request.HttpContext.RequestAborted));

    [Function("GetSegment")]
    public Task<IResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments/{id}")] HttpRequest request, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => segments.GetAsync(t, id, request.HttpContext.Response, request.HttpContext.RequestAborted));

    [Function("DeleteSegment")]
    public Task<IResult> Delete([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "segments/{id}")] HttpRequest request, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => segments.DeleteAsync(t, id, request, request.HttpContext.RequestAborted));

    [Function("PreviewSegment")]
    public Task<IResult> Preview([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments/{id}/preview")] HttpRequest request, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t =>
            segments.PreviewAsync(t, id, request.Query["asOf"], request.Query["sample"], request.HttpContext.RequestAborted));

    [Function("PreviewDraftSegment")]
    public Task<IResult> PreviewDraft([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "segments:preview")] HttpRequest request) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => segments.PreviewDraftAsync(t, request, request.Query["asOf"], request.Query["sample"],
            request.Query["exact"], request.HttpContext.RequestAborted));

    [Function("SegmentMembers")]
    public Task<IResult> Members([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments/{id}/members")] HttpRequest request, string id) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => members.MembersAsync(t, id, request.Query["asOf"], request, request.HttpContext.RequestAborted));

    [Function("ExplainSegment")]
    public Task<IResult> Explain([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments/{id}/explain/{contactId}")] HttpRequest request,
        string id, string contactId) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => members.ExplainAsync(t, id, contactId, request.Query["asOf"], request.HttpContext.RequestAborted));

    [Function("PutSchema")]
    public Task<IResult> PutSchema([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "schema")] HttpRequest request) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => schema.PutAsync(t, request, request.HttpContext.RequestAborted));

    [Function("GetSchema")]
    public Task<IResult> GetSchema([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schema")] HttpRequest request) =>
        ApiKeyCaller.WithCallerAsync(request.HttpContext, t => schema.GetAsync(t, request.HttpContext.RequestAborted));
}
