namespace Segments.Core.Streaming;

/// <summary>
/// The stream refuses events because too many wait to be folded (back-pressure): nothing of the call was taken, and
/// the sender should try again after <see cref="RetryAfter"/>, the time the fold needs to make room at its recent rate.
/// </summary>
public sealed class StreamFullException(long backlog, TimeSpan retryAfter)
    : Exception($"{backlog} events wait to be folded; try again in {retryAfter.TotalSeconds:0} s")
{
    public long Backlog => backlog;

    public TimeSpan RetryAfter => retryAfter;
}
