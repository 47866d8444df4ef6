using Segments.Core.Ports;

namespace Segments.Core.Membership;

/// <summary>
/// Re-evaluates the contacts whose next time edge has passed, and only those: the time index hands them out earliest
/// first, each is evaluated at its edge instant (so a change is dated when it happened, however late the sweep), and
/// its next edge, always later, goes back into the index, so a contact several edges behind is evaluated at each.
/// Then every used segment is dispatched, so changes that a crash kept from their drips, triggers or the stream are
/// handed on.
/// </summary>
public sealed class TimeSweep(IMembershipStore membership, IContactStore contacts, MembershipTracker tracker, ChangeDispatcher dispatcher,
    TimeProvider time)
{
    /// <summary>How many due checks are read from the index at a time.</summary>
    public const int PageSize = 256;

    /// <summary>Runs every check due by now, then the dispatcher's catch-up; returns how many contacts were re-evaluated.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var evaluated = 0;
        while (await membership.DueAsync(now, PageSize, cancellationToken) is { Count: > 0 } due)
        {
            foreach (var check in due)
            {
                if (await contacts.ReadAsync(check.Tenant, check.ContactId, cancellationToken) is { } stored)
                {
                    await tracker.EvaluateAsync(check.Tenant, stored.Document, check.At, check.Segment, cancellationToken);
                    evaluated++;
                }
                else
                {
                    await membership.SetNextAsync(check.Tenant, check.Segment, check.ContactId, null, cancellationToken);
                }
            }
        }
        await dispatcher.CatchUpAsync(cancellationToken);
        return evaluated;
    }
}
