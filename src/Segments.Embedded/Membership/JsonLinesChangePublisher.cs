using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Embedded.Durability;

namespace Segments.Embedded.Membership;

/// <summary>
/// The change stream of the single-machine runtime: each change appended as one line of JSON
/// (<see cref="MembershipChangeMessage"/>) to a file that consumers read as it grows, flushed to disk before the
/// dispatcher moves its cursor. A crash between the flush and the cursor appends those lines again on restart. The
/// database the changes were recorded in is made durable first (<paramref name="recorded"/>): a change leaves it only
/// once a power loss cannot undo it there, so its sequence is never given to another change.
/// </summary>
public sealed class JsonLinesChangePublisher(string path, StoreSync? recorded = null) : IMembershipChangePublisher
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly SemaphoreSlim _append = new(1, 1);

    public async Task PublishAsync(string tenant, IReadOnlyList<MembershipChange> changes, CancellationToken cancellationToken)
    {
        await _append.WaitAsync(cancellationToken);
        try
        {
            recorded?.Flush();
            await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            foreach (var change in changes)
            {
                await file.WriteAsync(MembershipChangeMessage.Utf8(tenant, change), cancellationToken);
                await file.WriteAsync(NewLine, cancellationToken);
            }
            file.Flush(flushToDisk: true);
        }
        finally
        {
            _append.Release();
        }
    }
}
