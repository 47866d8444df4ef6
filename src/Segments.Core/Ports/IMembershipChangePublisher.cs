using Segments.Core.Membership;

namespace Segments.Core.Ports;

/// <summary>
/// Publishes a tenant's membership changes to the event stream that consumers outside the app read (Event Hubs on
/// Azure, a file of JSON lines in <c>segments serve</c>), one message per change in the shape of
/// <see cref="MembershipChangeMessage"/>. At least once: after a crash a change may be published again, and its
/// tenant and sequence tell a consumer it has seen it. The task completes once the changes are durably published.
/// </summary>
public interface IMembershipChangePublisher
{
    Task PublishAsync(string tenant, IReadOnlyList<MembershipChange> changes, CancellationToken cancellationToken);
}
