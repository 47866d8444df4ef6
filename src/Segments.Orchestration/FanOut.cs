using Microsoft.DurableTask;

namespace Segments.Orchestration;

/// <summary>One activity per input, never more than <see cref="MaxParallel"/> at once, each retried (<see cref="Retries"/>); results in input order.</summary>
public static class FanOut
{
    public const int MaxParallel = 8;

    /// <summary>Activities are retried with exponential backoff: 1 s, 2 s, 4 s, … up to a minute apart, six attempts in all.</summary>
    public static readonly TaskOptions Retries = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 6, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1)));

    /// <param name="done">Told how many have finished, after each one (for a custom status).</param>
    public static async Task<TResult[]> RunAsync<TInput, TResult>(TaskOrchestrationContext context, string activity, IReadOnlyList<TInput> inputs,
        Action<int>? done = null)
    {
        var results = new TResult[inputs.Count];
        var running = new Dictionary<Task<TResult>, int>();
        var next = 0;
        var finished = 0;
        done?.Invoke(0);
        while (finished < inputs.Count)
        {
            while (next < inputs.Count && running.Count < MaxParallel)
            {
                running[context.CallActivityAsync<TResult>(activity, inputs[next], Retries)] = next;
                next++;
            }
            var first = await Task.WhenAny(running.Keys);
            results[running[first]] = await first;
            running.Remove(first);
            done?.Invoke(++finished);
        }
        return results;
    }
}
