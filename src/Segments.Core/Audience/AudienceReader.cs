using System.Runtime.CompilerServices;
using Segments.Core.Ports;

namespace Segments.Core.Audience;

/// <summary>
/// Reads a finished audience back as one sequence in contact id order (ordinal), merging its parts. Each part is
/// sorted and the partitions are disjoint, so the result is the same bytes however many partitions there were.
/// </summary>
public static class AudienceReader
{
    public static async IAsyncEnumerable<Recipient> ReadAsync(IAudienceSink sink, AudienceAddress address, AudienceManifest manifest,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var parts = new List<IAsyncEnumerator<Recipient>>();
        try
        {
            var next = new PriorityQueue<IAsyncEnumerator<Recipient>, string>(StringComparer.Ordinal);
            foreach (var part in manifest.Parts)
            {
                var stream = await sink.OpenPartAsync(address, part, cancellationToken);
                var recipients = AudienceFormat.ReadAsync(stream, cancellationToken).GetAsyncEnumerator(cancellationToken);
                parts.Add(recipients);
                if (await recipients.MoveNextAsync())
                {
                    next.Enqueue(recipients, recipients.Current.ContactId);
                }
            }
            while (next.TryDequeue(out var recipients, out _))
            {
                yield return recipients.Current;
                if (await recipients.MoveNextAsync())
                {
                    next.Enqueue(recipients, recipients.Current.ContactId);
                }
            }
        }
        finally
        {
            foreach (var part in parts)
            {
                await part.DisposeAsync();
            }
        }
    }
}
