namespace Segments.Core.Streaming;

/// <summary>
/// Retries a batch until it is folded: a store that is briefly unavailable must delay the stream, never make it
/// skip a batch. Poison never throws (it is dead-lettered), so what is retried here is the infrastructure.
/// Backs off exponentially from 100 ms to 30 s; stops only when cancelled.
/// </summary>
public static class BatchRetry
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> attempt, TimeProvider time, CancellationToken cancellationToken,
        Action<Exception, TimeSpan>? onRetry = null)
    {
        for (var delay = First; ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Longest.Ticks)))
        {
            try
            {
                return await attempt(cancellationToken);
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested)
            {
                onRetry?.Invoke(error, delay);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }
}
