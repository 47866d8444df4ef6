namespace Segments.Core.Ports;

/// <summary>
/// One hit of a tenant's pixel as a site owner sees it while installing the snippet: when, which event, whether it
/// was taken (<c>accepted</c>) or why not (<c>refused</c> with a reason: origin, token, identity, unavailable), who
/// (a contact id or an anonymous visitor id), the page's path and origin.
/// </summary>
public sealed record ReceivedHit(
    DateTimeOffset At, string Event, string Outcome, string? ContactId, string? Visitor, string? Page, string? Origin, string? Reason)
{
    public const string Accepted = "accepted";
    public const string Refused = "refused";
}

/// <summary>
/// The last hits of each tenant's pixel: a diagnostic view, not a record. <see cref="Record"/> never waits on storage
/// and may lose a hit under pressure (the events themselves go through the stream, which loses none).
/// </summary>
public interface IPixelHitLog
{
    /// <summary>How many hits a tenant's view keeps.</summary>
    const int Capacity = 50;

    void Record(string tenant, ReceivedHit hit);

    /// <summary>The tenant's most recent hits, newest first.</summary>
    Task<IReadOnlyList<ReceivedHit>> RecentAsync(string tenant, CancellationToken cancellationToken = default);
}
