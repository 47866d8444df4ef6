namespace Segments.Embedded.Durability;

/// <summary>
/// Commits in groups: a commit (a SQLite transaction, an fsync) costs far more than the item, so the items that arrive
/// while one commit runs wait and go together into the next. Each item learns its own result, or the group's failure.
/// The commits run one at a time, on a thread-pool thread of their own for the duration of a burst, so a caller's
/// thread never waits behind everyone else's work and a blocking commit never holds a request's thread.
/// </summary>
internal sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> commit)
{
    private readonly Lock _gate = new();
    private List<(TItem Item, TaskCompletionSource<TResult> Outcome)> _pending = [];
    private bool _draining;

    public Task<TResult> AddAsync(TItem item)
    {
        var outcome = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            _pending.Add((item, outcome));
            start = !_draining;
            _draining = true;
        }
        if (start)
        {
            // Without the caller's execution context: the loop serves every caller, not this one.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(DrainAsync, CancellationToken.None);
            }
        }
        return outcome.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            List<(TItem Item, TaskCompletionSource<TResult> Outcome)> group;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _draining = false;
                    return;
                }
                group = _pending;
                _pending = [];
            }
            try
            {
                var results = await commit([.. group.Select(g => g.Item)]);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Outcome.TrySetResult(results[i]);
                }
            }
            catch (Exception error)
            {
                foreach (var (_, outcome) in group)
                {
                    outcome.TrySetException(error);
                }
            }
        }
    }
}
