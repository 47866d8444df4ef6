using Segments.Engine.Evaluation;

namespace Segments.Engine.Scan;

/// <summary><see cref="TimeEdges"/> over a contact of a scan form, by the rules the document's edges follow.</summary>
public static class ScanTimeEdges
{
    /// <summary>As <see cref="TimeEdges.Next(Documents.ContactDocument, DateTimeOffset)"/>, for contact number <paramref name="contact"/> of a scan form.</summary>
    public static DateTimeOffset? Next(this TimeEdges edges, ScanForm form, int contact, DateTimeOffset asOf)
    {
        var next = edges.From(asOf);
        if (edges.ReadsEvents)
        {
            // Every event is in the stream of its kind; the context stream holds some of them again and is not walked.
            for (var stream = 0; stream < ScanStream.Context; stream++)
            {
                var events = new EventCursor(form, contact, stream);
                while (events.Next())
                {
                    next.Event(events.At);
                }
            }
            for (var k = form.ChangeStart[contact]; k < form.ChangeStart[contact + 1]; k++)
            {
                next.Instant(form.Changes[k].At);
            }
            for (var k = form.CompactedStart[contact]; k < form.CompactedStart[contact + 1]; k++)
            {
                next.Instant(form.Compacted[k].NewestAt);
            }
        }
        foreach (var (field, predicate) in edges.Dates)
        {
            next.Date(predicate, form.FieldValue(contact, field));
        }
        return next.Value;
    }
}
