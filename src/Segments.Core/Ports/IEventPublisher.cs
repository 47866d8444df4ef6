using Segments.Core.Streaming;

namespace Segments.Core.Ports;

/// <summary>Publishes events to the stream; a returned task means the stream has them durably.</summary>
public interface IEventPublisher
{
    Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken = default);
}
