using Microsoft.DurableTask;

namespace Segments.Orchestration;

/// <summary>
/// One activity per input, in waves of at most <see cref="MaxParallel"/> at once, each retried (<see cref="Retries"/>);
/// results in input order. Waves, not a new activity as each one finishes: which one finishes first differs between the
/// first run and a replay (where all are done already), and an orchestrator must schedule the same activities in the
/// same order on every replay.
/// </summary>
public static class FanOut
{
    public const int MaxParallel = 8;

    /// <summary>Activities are retried with exponential backoff: 1 s, 2 s, 4 s, … up to a minute apart, six attempts in all.</summary>
    public static readonly TaskOptions Retries = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 6, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1)));

    /// <param name="done">Told how many have finished, after each wave (for a custom status).</param>
    public static async Task<TResult[]> RunAsync<TInput, TResult>(TaskOrchestrationContext context, string activity, IReadOnlyList<TInput> inputs,
        Action<int>? done = null)
    {
        var results = new TResult[inputs.Count];
        done?.Invoke(0);
        for (var start = 0; start < inputs.Count; start += MaxParallel)
        {
            var wave = inputs.Skip(start).Take(MaxParallel).Select(input => context.CallActivityAsync<TResult>(activity, input, Retries)).ToList();
            (await Task.WhenAll(wave)).CopyTo(results, start);
            done?.Invoke(start + wave.Count);
        }
        return results;
    }
}
