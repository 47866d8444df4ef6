namespace Segments.Azure.Membership;

/// <summary>
/// How the Table stores retry an optimistic write that lost a race (409, 412): read again at once a couple of times,
/// then after a short random pause, and give up after <see cref="MaxAttempts"/>.
/// </summary>
internal static class TableContention
{
    public const int MaxAttempts = 64;

    public static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        attempt < 3 ? Task.CompletedTask : Task.Delay(Random.Shared.Next(1, 10 * Math.Min(attempt, 10)), cancellationToken);
}
