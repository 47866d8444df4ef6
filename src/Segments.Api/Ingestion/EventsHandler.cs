using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Ingestion;
using Segments.Core.Input;
using Segments.Core.Language;
using Segments.Core.Model;
using Segments.Core.Streaming;

namespace Segments.Api.Ingestion;

public sealed record EventsReceipt(int Accepted, IReadOnlyList<RejectedEvent> Rejected);

public sealed record RejectedEvent(int Index, IReadOnlyList<ProblemError> Errors);

/// <summary>
/// <c>POST /api/events</c>: email events (and any other) from the sending pipeline, an array in the offline
/// <c>events.jsonl</c> shape, for the caller's tenant. Each item may also carry <c>userAgent</c> and <c>ip</c>, the
/// reader's as the pipeline saw them (the open pixel's or the click's request): they give the device, the bot
/// flag and the geography, and are not kept. A bad item is rejected with its index and paths; the others are
/// accepted. <c>202 {accepted, rejected}</c>, or 503 with nothing accepted when the stream does not take them.
/// </summary>
public sealed class EventsHandler(
    EventRules rules, HitEnrichment enrichment, EventPublishing publishing, IngestionMetrics metrics, ILogger<EventsHandler> logger)
{
    public const string Source = "events";

    private static readonly string[] EnrichmentKeys = ["userAgent", "ip"];

    /// <summary>An event nests three levels (array, event, properties); anything deeper is not one.</summary>
    private const int MaxDepth = 8;

    private const int MaxUserAgentLength = 1024;

    public async Task<IResult> PostAsync(CallerTenant tenant, HttpRequest request, CancellationToken cancellationToken)
    {
        var (accepted, rejected, refusal) = await IngestAsync(tenant, request, cancellationToken);
        if (refusal is not null)
        {
            if (!refusal.FromPublishing)
            {
                metrics.Refused(Source, refusal.Reason);
            }
            return refusal.ToResult();
        }
        metrics.Rejected(Source, rejected.Count);
        logger.LogInformation("Accepted {Accepted} and rejected {Rejected} events of tenant {Tenant}", accepted, rejected.Count, tenant.Id);
        return TypedResults.Accepted((string?)null, new EventsReceipt(accepted, rejected));
    }

    private async Task<(int Accepted, List<RejectedEvent> Rejected, Refusal? Refusal)> IngestAsync(CallerTenant tenant, HttpRequest request,
        CancellationToken cancellationToken)
    {
        var rejected = new List<RejectedEvent>();
        var (body, tooLarge) = await BoundedBody.ReadAsync(request, rules.Limits.MaxEventsBodyBytes, cancellationToken);
        if (body is null)
        {
            return (0, rejected, tooLarge);
        }
        using (body)
        {
            var (json, invalid) = body.Parse(MaxDepth);
            if (json is null)
            {
                return (0, rejected, invalid);
            }
            using (json)
            {
                var items = json.RootElement;
                if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() > rules.Limits.MaxApiEvents)
                {
                    return (0, rejected, Refusal.Invalid("batch", "$", $"expected an array of at most {rules.Limits.MaxApiEvents} events"));
                }
                var outgoing = new List<OutgoingEvent>(items.GetArrayLength());
                var index = 0;
                foreach (var item in items.EnumerateArray())
                {
                    var path = $"$[{index}]";
                    var errors = new List<ValidationError>();
                    if (Read(item, path, errors) is { } e && publishing.Prepare(tenant.Id, e, path, errors) is { } prepared)
                    {
                        outgoing.Add(prepared);
                    }
                    else
                    {
                        rejected.Add(new RejectedEvent(index, [.. errors.Select(error => new ProblemError(error.Path, error.Message))]));
                    }
                    index++;
                }
                var unpublished = await publishing.PublishAsync(Source, tenant.Id, outgoing, outgoing.Count, cancellationToken);
                return (outgoing.Count, rejected, unpublished);
            }
        }
    }

    private ContactEvent? Read(JsonElement item, string path, List<ValidationError> errors)
    {
        try
        {
            var (userAgent, address) = EnrichmentOf(item, path, errors);
            using var shape = item.ValueKind == JsonValueKind.Object && EnrichmentKeys.Any(k => item.TryGetProperty(k, out _)) ? Without(item) : null;
            var (e, readErrors) = InputReader.ReadEvent(shape?.RootElement ?? item, path);
            errors.AddRange(readErrors);
            if (e is null || errors.Count > 0)
            {
                return null;
            }
            var open = e.Kind == EventKind.Email && EventNames.ParseEmailAction(e.Name) == EmailAction.Open;
            var (agent, geo) = enrichment.ForEmail(userAgent, address, open);
            e = e with { Device = e.Device ?? agent?.ToDevice(), Geo = e.Geo ?? geo, Bot = e.Bot || agent?.IsBot == true };
            return rules.Check(e, path, fromPixel: false, errors) ? e : null;
        }
        catch (InvalidOperationException)
        {
            // A string escaping a lone surrogate ("\ud800") is valid JSON but no text.
            errors.Add(new(path, "the event holds text that is not valid Unicode"));
            return null;
        }
    }

    private static (string? UserAgent, IPAddress? Address) EnrichmentOf(JsonElement item, string path, List<ValidationError> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }
        string? userAgent = null;
        IPAddress? address = null;
        if (item.TryGetProperty("userAgent", out var agent) && agent.ValueKind != JsonValueKind.Null)
        {
            userAgent = agent.ValueKind == JsonValueKind.String && agent.GetString() is { Length: <= MaxUserAgentLength } text ? text : null;
            if (userAgent is null)
            {
                errors.Add(new($"{path}.userAgent", $"'userAgent' is a string of at most {MaxUserAgentLength} characters"));
            }
        }
        if (item.TryGetProperty("ip", out var ip) && ip.ValueKind != JsonValueKind.Null
            && (ip.ValueKind != JsonValueKind.String || !IPAddress.TryParse(ip.GetString(), out address)))
        {
            errors.Add(new($"{path}.ip", "'ip' is an IPv4 or IPv6 address"));
        }
        return (userAgent, address);
    }

    /// <summary>The item without its enrichment fields, in the shape the offline reader takes.</summary>
    private static JsonDocument Without(JsonElement item)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in item.EnumerateObject())
            {
                if (Array.IndexOf(EnrichmentKeys, property.Name) < 0)
                {
                    property.WriteTo(writer);
                }
            }
            writer.WriteEndObject();
        }
        return JsonDocument.Parse(buffer.WrittenMemory);
    }
}
