using Segments.Core.Ports;

namespace Segments.Embedded.Pixel;

/// <summary>A ring of the last <see cref="IPixelHitLog.Capacity"/> hits per tenant, in memory: one process (<c>segments serve</c>, where nothing shared is configured).</summary>
public sealed class InMemoryPixelHitLog : IPixelHitLog
{
    private readonly Dictionary<string, Queue<ReceivedHit>> _hits = new(StringComparer.Ordinal);

    public void Record(string tenant, ReceivedHit hit)
    {
        lock (_hits)
        {
            if (!_hits.TryGetValue(tenant, out var ring))
            {
                _hits[tenant] = ring = new Queue<ReceivedHit>(IPixelHitLog.Capacity);
            }
            if (ring.Count == IPixelHitLog.Capacity)
            {
                ring.Dequeue();
            }
            ring.Enqueue(hit);
        }
    }

    public Task<IReadOnlyList<ReceivedHit>> RecentAsync(string tenant, CancellationToken cancellationToken = default)
    {
        lock (_hits)
        {
            IReadOnlyList<ReceivedHit> recent = _hits.TryGetValue(tenant, out var ring) ? [.. ring.Reverse()] : [];
            return Task.FromResult(recent);
        }
    }
}
