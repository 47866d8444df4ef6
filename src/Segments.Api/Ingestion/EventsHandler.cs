using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Ingestion;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Documents;
using Segments.Engine.Input;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Api.Ingestion;

public sealed record EventsReceipt(int Accepted, IReadOnlyList<RejectedEvent> Rejected);

public sealed record RejectedEvent(int Index, IReadOnlyList<ProblemError> Errors);

/// <summary>
/// <c>POST /api/events</c>: email events (and any other) from the sending pipeline, an array in the offline
/// <c>events.jsonl</c> shape, for the caller's tenant. Each item may also carry <c>userAgent</c> and <c>ip</c>, the
/// reader's as the pipeline saw them (the open pixel's or the click's request): they give the device, the bot
/// flag and the geography, and are not kept. A bad item is rejected with its index and paths; the others are
/// accepted. So is an event more than the fold's horizon (400 days) behind its contact's newest event, known or in
/// the same request: the fold could not count it once. <c>202 {accepted, rejected}</c>, or 503 with nothing accepted
/// when the stream does not take them.
/// </summary>
public sealed class EventsHandler(
    EventRules rules, HitEnrichment enrichment, EventPublishing publishing, IngestionMetrics metrics, IContactStore contacts,
    TimeProvider time, ILogger<EventsHandler> logger, ContactFolder? folder = null)
{
    public const string Source = "events";

    private static readonly string[] EnrichmentKeys = ["userAgent", "ip"];

    /// <summary>
    /// An event nests two levels (array, event) above its properties, which nest up to their own limit; one level more
    /// is let through so that a property nested too deep is rejected with its path, with its event alone.
    /// </summary>
    private const int MaxDepth = 2 + InputReader.MaxPropertyDepth + 1;

    private const string MachineProperty = "machine";

    private const int MaxUserAgentLength = 1024;

    private readonly TimeSpan _horizon = (folder?.Options ?? new FoldOptions()).Horizon;

    /// <summary>The array of events, each taken or rejected on its own.</summary>
    private readonly JsonBodyRules _batch = new(rules.Limits.MaxEventsBodyBytes, MaxDepth, IngestionLimits.MaxTextLengthBound) { BatchPath = "$" };

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
        var (body, refusal) = await JsonBody.ReadAsync(request, _batch, cancellationToken);
        if (body is null)
        {
            return (0, rejected, refusal);
        }
        using (body)
        {
            var items = body.Root;
            if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() > rules.Limits.MaxApiEvents)
            {
                return (0, rejected, Refusal.Invalid("batch", "$", $"expected an array of at most {rules.Limits.MaxApiEvents} events"));
            }
            var read = new List<(int Index, ContactEvent Event)>(items.GetArrayLength());
            var sent = new Dictionary<int, JsonElement>(items.GetArrayLength());
            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                var path = $"$[{index}]";
                var errors = new List<ValidationError>(body.ProblemsOf(index));
                if (errors.Count == 0 && Read(item, path, errors, out var asSent) is { } e)
                {
                    read.Add((index, e));
                    if (asSent)
                    {
                        sent[index] = item;
                    }
                }
                else
                {
                    rejected.Add(Rejected(index, errors));
                }
                index++;
            }
            var outgoing = new List<OutgoingEvent>(read.Count);
            var late = await LateAsync(tenant.Id, read, cancellationToken);
            foreach (var (i, e) in read)
            {
                var errors = new List<ValidationError>();
                if (late.Contains(i))
                {
                    errors.Add(new($"$[{i}].at", $"'{Rfc3339.Format(e.At)}' is more than {_horizon.TotalDays:0} days behind the newest event of contact " +
                        $"'{e.ContactId}'; the contact's history that far back is kept as totals, where the event could not be counted once"));
                }
                else if (publishing.Prepare(tenant.Id, e, $"$[{i}]", errors, sent.TryGetValue(i, out var item) ? JsonMarshal.GetRawUtf8Value(item) : default)
                    is { } prepared)
                {
                    outgoing.Add(prepared);
                    continue;
                }
                rejected.Add(Rejected(i, errors));
            }
            rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
            var unpublished = await publishing.PublishAsync(Source, tenant.Id, outgoing, outgoing.Count, cancellationToken);
            return (outgoing.Count, rejected, unpublished);
        }
    }

    /// <summary>
    /// The indexes of the events the fold would refuse for age: more than the horizon behind the newest event of their
    /// contact, stored or in this request. Only events that old from now can be, so only their contacts are read.
    /// </summary>
    private async Task<HashSet<int>> LateAsync(string tenant, List<(int Index, ContactEvent Event)> events, CancellationToken cancellationToken)
    {
        var late = new HashSet<int>();
        var suspect = time.GetUtcNow() + rules.Limits.MaxFutureSkew - _horizon;
        foreach (var contact in events.Where(e => e.Event.At < suspect).Select(e => e.Event.ContactId).Distinct(StringComparer.Ordinal))
        {
            var newest = events.Where(e => e.Event.ContactId == contact).Max(e => e.Event.At.UtcTicks);
            if (await contacts.ReadAsync(tenant, contact, cancellationToken) is { } stored)
            {
                newest = Math.Max(newest, stored.Document.NewestAt);
            }
            late.UnionWith(events.Where(e => e.Event.ContactId == contact && e.Event.At.UtcTicks < newest - _horizon.Ticks).Select(e => e.Index));
        }
        return late;
    }

    private static RejectedEvent Rejected(int index, IEnumerable<ValidationError> errors) =>
        new(index, [.. errors.Select(error => new ProblemError(error.Path, error.Message))]);

    /// <summary>
    /// The event, or null with its errors. <paramref name="asSent"/>: the item is the event as it will be folded, having no
    /// enrichment fields, which alone make the server change an event.
    /// </summary>
    private ContactEvent? Read(JsonElement item, string path, List<ValidationError> errors, out bool asSent)
    {
        var (userAgent, address) = EnrichmentOf(item, path, errors);
        using var shape = item.ValueKind == JsonValueKind.Object && EnrichmentKeys.Any(k => item.TryGetProperty(k, out _)) ? Without(item) : null;
        asSent = shape is null;
        var (e, readErrors) = InputReader.ReadEvent(shape?.RootElement ?? item, path);
        errors.AddRange(readErrors);
        if (e is null || errors.Count > 0)
        {
            return null;
        }
        var open = e.Kind == EventKind.Email && EventNames.ParseEmailAction(e.Name) == EmailAction.Open;
        var (agent, geo) = enrichment.ForEmail(userAgent, address, open);
        // An open a privacy proxy or scanner fetched is a machine open (which a segment may count), not a bot's;
        // a sender's own properties.machine is kept as it is.
        var machine = open && e.Properties.Get(MachineProperty).Kind == ValueKind.Missing && MachineOpens.Recognise(userAgent, address) is not null;
        e = e with
        {
            Device = e.Device ?? agent?.ToDevice(),
            Geo = e.Geo ?? geo,
            Bot = e.Bot || (agent?.IsBot == true && !machine),
            Properties = machine ? PropertyBag.From([.. e.Properties.Items, new(MachineProperty, ScalarValue.OfBoolean(true))]) : e.Properties,
        };
        return rules.Check(e, path, fromPixel: false, errors) ? e : null;
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
