using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segments.Api.Http;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Input;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Api.Ingestion;

/// <summary>
/// Hands accepted events to the stream in one call. When the stream does not take them (Event Hubs unreachable
/// after the SDK's retries, the host shutting down, too many events waiting to be folded), the request is answered 503
/// (with <c>Retry-After</c> for the last) and nothing counts as accepted;
/// some of the events may have been published all the same, which is harmless: the sender retries with the same
/// event ids and the fold counts each id once.
/// </summary>
public sealed class EventPublishing(IEventPublisher publisher, IngestionMetrics metrics, IOptions<IngestionOptions> options,
    ILogger<EventPublishing> logger)
{
    /// <summary>
    /// The event as the stream carries it, or null (with the error at <paramref name="path"/>) when it is larger than
    /// the stream fold takes: the fold would dead-letter it, so it is rejected here, where the sender hears of it.
    /// <paramref name="sent"/>: the request's own JSON of the event, when <paramref name="e"/> was read from it unchanged;
    /// the stream then carries those bytes (the fold reads them as it would the event written again, which costs a
    /// serialisation an event), unless they are over the limit where the event written again is not.
    /// </summary>
    public OutgoingEvent? Prepare(string scope, ContactEvent e, string path, List<ValidationError> errors, ReadOnlySpan<byte> sent = default)
    {
        var json = !sent.IsEmpty && sent.Length <= options.Value.Limits.MaxEventBytes ? sent.ToArray() : EventWriter.ToUtf8(e);
        if (json.Length > options.Value.Limits.MaxEventBytes)
        {
            errors.Add(new(path, $"the event is {json.Length} bytes as JSON; at most {options.Value.Limits.MaxEventBytes} are accepted"));
            return null;
        }
        return new OutgoingEvent(scope, e.ContactId, json);
    }

    /// <summary>Null when published (and counted as accepted), else the 503 refusal.</summary>
    public async Task<Refusal?> PublishAsync(string source, string tenant, IReadOnlyList<OutgoingEvent> events, int accepted,
        CancellationToken cancellationToken)
    {
        try
        {
            if (events.Count > 0)
            {
                await publisher.PublishAsync(events, cancellationToken);
            }
        }
        catch (StreamFullException full)
        {
            var refusal = Refusal.Backlogged(full.Backlog, full.RetryAfter);
            metrics.Refused(source, refusal.Reason);
            return refusal;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not publish {Count} events of tenant {Tenant} from {Source}", events.Count, tenant, source);
            metrics.Refused(source, Refusal.Unpublished.Reason);
            return Refusal.Unpublished;
        }
        metrics.Accepted(source, accepted);
        return null;
    }
}
