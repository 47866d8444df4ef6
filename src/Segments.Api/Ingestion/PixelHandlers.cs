using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segments.Api.Http;
using Segments.Core.Ingestion;
using Segments.Core.Streaming;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Api.Ingestion;

/// <summary>
/// The public pixel routes. A hit is admitted by its pixel key (<c>k</c>) and origin, then identified by its contact
/// token (a contact of the key's tenant) or visitor id (an anonymous visitor, see <see cref="Visitors"/>); a hit with
/// both joins the visitor's history to the contact (<see cref="VisitorJoin"/>). Device, geography and the bot flag
/// come from the request, never from the body. A wrong key or origin and a bad token refuse the whole hit.
/// </summary>
public sealed class PixelHandlers(
    PixelTenants tenants,
    PixelIdentities identities,
    PixelEventReader reader,
    HitEnrichment enrichment,
    VisitorJoin join,
    EventPublishing publishing,
    IngestionMetrics metrics,
    PixelHitRecorder hits,
    IOptions<IngestionOptions> options,
    ILogger<PixelHandlers> logger)
{
    public const string CollectSource = "collect";
    public const string GifSource = "px.gif";

    /// <summary>
    /// A snippet batch nests three levels (batch, events array, event) above an event's properties, which nest up to their
    /// own limit; one level more is let through so that a property nested too deep is rejected with its path, alone.
    /// </summary>
    private const int MaxBatchDepth = 3 + Engine.Input.InputReader.MaxPropertyDepth + 1;

    /// <summary>A snippet batch: text/plain too (sendBeacon), each event taken or rejected on its own.</summary>
    private readonly JsonBodyRules _batch = new(options.Value.Limits.MaxCollectBodyBytes, MaxBatchDepth, IngestionLimits.MaxTextLengthBound)
    {
        BatchPath = "$.events",
        AcceptsTextPlain = true,
    };

    /// <summary><c>POST /api/collect?k=</c>: 204, 400 naming each rejected event (the others are accepted), or a refusal.</summary>
    public async Task<IResult> CollectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (total, rejected, errors, refusal) = await IngestBatchAsync(request, cancellationToken);
        if (refusal is not null)
        {
            if (!refusal.FromPublishing)
            {
                metrics.Refused(CollectSource, refusal.Reason);
            }
            return refusal.ToResult();
        }
        metrics.Rejected(CollectSource, rejected);
        return rejected == 0
            ? TypedResults.NoContent()
            : Problems.Refusal(StatusCodes.Status400BadRequest, $"{rejected} of {total} events were rejected; the other {total - rejected} were accepted", errors);
    }

    /// <summary>
    /// The response header of a <c>px.gif</c> hit that was not ingested, naming why in one word: <c>pixel_key</c>,
    /// <c>origin</c>, <c>token</c>, <c>identity</c>, <c>event</c> (a parameter is wrong), <c>publish</c> or <c>error</c>.
    /// </summary>
    public const string RefusedHeader = "Segments-Refused";

    /// <summary>Why a hit's event was rejected (counted as a rejected event, not a refused request).</summary>
    private const string RejectedEvent = "event";

    /// <summary>
    /// <c>GET /api/px.gif</c>: always the GIF, so the page shows no broken image. A hit that was not ingested says why
    /// in the <see cref="RefusedHeader"/> header (the browser's network panel shows it) and is counted.
    /// </summary>
    public async Task GifAsync(HttpContext context)
    {
        string? reason;
        try
        {
            reason = await IngestHitAsync(context.Request, context.RequestAborted);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The page must get its image whatever happened; the failure is logged and counted.
            reason = "error";
            logger.LogError(e, "A px.gif hit failed");
        }
        if (reason is not null)
        {
            if (reason != RejectedEvent)
            {
                metrics.Refused(GifSource, reason);
            }
            context.Response.Headers[RefusedHeader] = reason;
        }
        await Gif.WriteAsync(context.Response, context.RequestAborted);
    }

    private async Task<(int Total, int Rejected, List<ValidationError> Errors, Refusal? Refusal)> IngestBatchAsync(HttpRequest request,
        CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        var (tenant, notAdmitted) = Admit(request.Query["k"].ToString(), request);
        if (tenant is null)
        {
            return (0, 0, errors, notAdmitted);
        }
        var (body, refusal) = await JsonBody.ReadAsync(request, _batch, cancellationToken);
        if (body is null)
        {
            return (0, 0, errors, refusal);
        }
        using (body)
        {
            var batch = reader.ReadBatch(body.Root, errors);
            if (batch is null)
            {
                return (0, 0, errors, new Refusal(StatusCodes.Status400BadRequest, "batch", errors));
            }
            var (identity, identityRefusal) = Identify(tenant, batch.Token, batch.Visitor);
            if (identity is null)
            {
                hits.Refused(tenant.Tenant.Id, request, identityRefusal!.Reason);
                return (0, 0, errors, identityRefusal);
            }
            var hit = enrichment.For(identity.ContactId, request);
            var outgoing = new List<OutgoingEvent>(batch.Events.GetArrayLength());
            var taken = new List<ContactEvent>(outgoing.Capacity);
            var index = 0;
            foreach (var item in batch.Events.EnumerateArray())
            {
                var path = $"$.events[{index}]";
                var problems = body.ProblemsOf(index++);
                errors.AddRange(problems);
                if (problems.Count == 0 && reader.ReadEvent(item, path, hit, errors) is { } e
                    && publishing.Prepare(identity.Scope, e, path, errors) is { } prepared)
                {
                    outgoing.Add(prepared);
                    taken.Add(e);
                }
            }
            var accepted = outgoing.Count;
            await JoinAsync(tenant.Tenant.Id, identity, outgoing, cancellationToken);
            var unpublished = await publishing.PublishAsync(CollectSource, tenant.Tenant.Id, outgoing, accepted, cancellationToken);
            hits.Accepted(tenant.Tenant.Id, identity, taken, request, unpublished);
            return (index, index - accepted, errors, unpublished);
        }
    }

    /// <summary>One <c>px.gif</c> hit; null when ingested, else the reason it was not.</summary>
    private async Task<string?> IngestHitAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var query = request.Query;
        var (tenant, notAdmitted) = Admit(query["k"].ToString(), request);
        if (tenant is null)
        {
            return notAdmitted!.Reason;
        }
        var (identity, refusal) = Identify(tenant, Value(query, "t"), Value(query, "v"));
        if (identity is null)
        {
            hits.Refused(tenant.Tenant.Id, request, refusal!.Reason);
            return refusal.Reason;
        }
        var errors = new List<ValidationError>();
        var pairs = query.Select(q => KeyValuePair.Create(q.Key, q.Value.Count > 0 ? q.Value[^1] ?? "" : ""));
        if (reader.ReadQuery(pairs, enrichment.For(identity.ContactId, request), errors) is not { } e
            || publishing.Prepare(identity.Scope, e, "$", errors) is not { } prepared)
        {
            metrics.Rejected(GifSource, 1);
            return RejectedEvent;
        }
        var outgoing = new List<OutgoingEvent> { prepared };
        await JoinAsync(tenant.Tenant.Id, identity, outgoing, cancellationToken);
        var unpublished = await publishing.PublishAsync(GifSource, tenant.Tenant.Id, outgoing, 1, cancellationToken);
        hits.Accepted(tenant.Tenant.Id, identity, [e], request, unpublished);
        return unpublished?.Reason;
    }

    private (PixelTenant? Tenant, Refusal? Refusal) Admit(string key, HttpRequest request)
    {
        if (tenants.ByPixelKey(key) is not { } tenant)
        {
            return (null, Refusal.Forbidden("pixel_key", "$", "'k' is not the pixel key of any tenant"));
        }
        if (PixelOrigins.IsAllowed(tenant, request))
        {
            return (tenant, null);
        }
        // The key is the tenant's: the owner sees the refusal in the console's live view (the usual installation mistake).
        hits.Refused(tenant.Tenant.Id, request, "origin");
        return (null, Refusal.Forbidden("origin", "$", "the page's origin is not one this pixel key may be used from"));
    }

    private (PixelIdentity? Identity, Refusal? Refusal) Identify(PixelTenant tenant, string? token, string? visitor)
    {
        var (identity, refusal, problem) = identities.Resolve(tenant.Tenant, token, visitor);
        return refusal switch
        {
            IdentityRefusal.None => (identity, null),
            IdentityRefusal.BadToken => (null, Refusal.Forbidden("token", "$.token", problem switch
            {
                TokenProblem.Expired => "the contact token has expired",
                TokenProblem.Malformed => "the contact token is not one this service issued",
                _ => "the contact token is not valid for this pixel key",
            })),
            IdentityRefusal.BadVisitor => (null, Refusal.Invalid("identity", "$.visitor", "a visitor id is 16 to 64 letters, digits, '_' or '-'")),
            _ => (null, Refusal.Invalid("identity", "$.visitor", "a hit carries a visitor id or a contact token")),
        };
    }

    /// <summary>
    /// Adds the visitor's history to what is published under the contact. A store that cannot be read now only
    /// delays the join to the visitor's next identified hit, so the hit's own events still go out.
    /// </summary>
    private async Task JoinAsync(string tenant, PixelIdentity identity, List<OutgoingEvent> outgoing, CancellationToken cancellationToken)
    {
        if (identity.JoinVisitor is not { } visitor)
        {
            return;
        }
        try
        {
            outgoing.AddRange(await join.EventsToJoinAsync(tenant, visitor, identity.ContactId, cancellationToken));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not read a visitor of tenant {Tenant} to join it to its contact", tenant);
        }
    }

    private static string? Value(IQueryCollection query, string key) => query.TryGetValue(key, out var value) && value.Count > 0 ? value[^1] : null;
}
