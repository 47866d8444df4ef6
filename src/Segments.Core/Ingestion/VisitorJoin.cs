using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Input;

namespace Segments.Core.Ingestion;

/// <summary>
/// Joins an anonymous visitor's history to the contact it turned out to be: the visitor's folded events are
/// republished under the contact with their own ids and times, so the fold counts each once however often the
/// join runs (every hit that carries both a token and the visitor id joins again, which also picks up anonymous
/// events that were still on their way through the stream the first time). The visitor document stays where it
/// is, out of every tenant scan. Only the newest <see cref="MaxJoinedEvents"/> events are carried over, which
/// bounds the work one hit can cause; compacted totals of a visitor (a history over 400 days) are not joined.
/// </summary>
public sealed class VisitorJoin(IContactStore contacts)
{
    public const int MaxJoinedEvents = 1000;

    public async Task<IReadOnlyList<OutgoingEvent>> EventsToJoinAsync(string tenant, string visitorId, string contactId,
        CancellationToken cancellationToken)
    {
        if (await contacts.ReadAsync(Visitors.ScopeOf(tenant), visitorId, cancellationToken) is not { } visitor)
        {
            return [];
        }
        var events = visitor.Document.Events;
        return [.. events.Skip(Math.Max(0, events.Length - MaxJoinedEvents))
            .Select(e => new OutgoingEvent(tenant, contactId, EventWriter.ToUtf8(e.ToEvent(contactId))))];
    }
}
