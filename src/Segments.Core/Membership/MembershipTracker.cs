using Segments.Core.Contacts;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Scan;

namespace Segments.Core.Membership;

/// <summary>
/// Keeps the membership of tracked segments per contact: re-evaluates a contact after each write (at the write time)
/// for the segments that read a part of it the write changed, and at each of its time edges (at the edge instant);
/// records an entered or left change once, moves the contact's entry in the time index to its next edge (both skipped
/// when the evaluation is older than the last one recorded for the contact and segment), and has the dispatcher hand
/// the segment's new changes to its drips and triggers and to the stream.
/// <para>
/// A write outside a stream batch (a profile upsert) is tracked at once. The contacts a stream batch writes are
/// tracked together once the fold of the batch is done (<see cref="Around"/>), before the batch completes: their
/// evaluations recorded in one call (one transaction where the store can), each segment that changed dispatched once.
/// That is what lets tracking keep up with the stream, where a call per contact and segment did not.
/// </para>
/// <para>
/// While a segment's baseline runs, what each contact was before a write is recorded before the write is made
/// (<see cref="OnWritingAsync"/>): a crash between a write and its tracking brings the write back as a replay whose
/// previous document is gone, and a contact with no record would then record its first change as none.
/// </para>
/// </summary>
public sealed class MembershipTracker(
    TrackedSegments tracked, IMembershipStore membership, ChangeDispatcher dispatcher, IContactStore contacts, TimeProvider time,
    PartitionForms? forms = null)
    : IContactWritten
{
    /// <summary>The writes of the stream batch being folded in this flow of execution; null outside one.</summary>
    private static readonly AsyncLocal<List<(string Tenant, WrittenContact Write)>?> Batch = new();

    /// <summary>
    /// Before the writes, for each segment whose baseline runs and that reads what a write changes: the contact's
    /// membership in the document it replaces (none for a new contact), recorded as a baseline scan's reading would be
    /// (<see cref="MembershipEvaluation.Scan"/>): only where nothing is recorded, provisional, with no change. The write's
    /// own evaluation settles it from what it replaced; a replay of the write after a crash, which no longer knows that,
    /// finds it recorded and starts the contact's first change from it. The scan would have recorded as many contacts:
    /// this records them earlier, in one call a batch, and only while a baseline runs.
    /// </summary>
    public async Task OnWritingAsync(string tenant, IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken)
    {
        var baselining = (await tracked.OfAsync(tenant, cancellationToken)).Where(s => s.Baselining).ToList();
        if (baselining.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow();
        await RecordAsync(tenant, [.. writes.SelectMany(w => baselining.Where(s => s.Reads.Overlaps(w.Changed)).Select(s =>
            (w.Before is { } before ? Evaluate(s, before, now, baseline: true) : new MembershipEvaluation(s.Id, w.ContactId, false, now, true, null))
                with { Scan = true }))], cancellationToken);
    }

    public Task OnWrittenAsync(string tenant, IReadOnlyList<WrittenContact> writes, CancellationToken cancellationToken)
    {
        if (Batch.Value is { } batch)
        {
            lock (batch)
            {
                batch.AddRange(writes.Select(w => (tenant, w)));
            }
            return Task.CompletedTask;
        }
        return TrackAsync([.. writes.Select(w => (tenant, w))], cancellationToken);
    }

    /// <summary>
    /// The stream fold with tracking by batch: the contacts <paramref name="fold"/> writes are noted while it folds a
    /// batch, then tracked together. A failure fails the batch, which the source delivers again.
    /// </summary>
    public IStreamBatchHandler Around(IStreamBatchHandler fold) => new TrackedBatches(this, fold);

    private sealed class TrackedBatches(MembershipTracker tracker, IStreamBatchHandler fold) : IStreamBatchHandler
    {
        public async Task<StreamFoldResult> HandleAsync(IReadOnlyList<StreamMessage> batch, CancellationToken cancellationToken = default)
        {
            var written = new List<(string Tenant, WrittenContact Write)>();
            // Flows into the tasks the fold starts for the batch's contacts, and no further than this call.
            Batch.Value = written;
            StreamFoldResult result;
            try
            {
                result = await fold.HandleAsync(batch, cancellationToken);
            }
            catch
            {
                // The documents written before the fold failed or was cancelled (serve's bound on folding at a stop) are
                // tracked all the same: delivered again, they are replays whose prior membership is no longer known, and
                // while a baseline runs a contact's first change would then be recorded as none.
                Batch.Value = null;
                await tracker.TrackAsync(written, CancellationToken.None);
                throw;
            }
            Batch.Value = null;
            await tracker.TrackAsync(written, cancellationToken);
            return result;
        }
    }

    /// <summary>
    /// Evaluates the written contacts now for the tracked segments that read what their writes changed, each with what it
    /// was before the write when that is known: the store needs it to record the first change of a contact that a
    /// baseline has not recorded yet, or whose baseline it may have read from this write's document
    /// (<see cref="IMembershipStore.RecordAsync(string, MembershipEvaluation, CancellationToken)"/>).
    /// </summary>
    private async Task TrackAsync(IReadOnlyList<(string Tenant, WrittenContact Write)> written, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var tenant in written.GroupBy(w => w.Tenant, w => w.Write))
        {
            var segments = await tracked.OfAsync(tenant.Key, cancellationToken);
            await RecordAsync(tenant.Key, [.. tenant.SelectMany(w => segments.Where(s => s.Reads.Overlaps(w.Changed))
                .Select(s => Evaluate(s, w.Document, now, baseline: s.Baselining) with { Was = Was(s, w.Replaced, now) }))], cancellationToken);
        }
    }

    /// <summary>Whether the document a write replaced was a member as of <paramref name="at"/>: a new contact was not; null when not known.</summary>
    private static bool? Was(TrackedSegment segment, Replaced replaced, DateTimeOffset at) =>
        !replaced.Known ? null : replaced.Document is { } before && segment.Segment.Matches(before, new AsOf(at));

    /// <summary>
    /// Re-evaluates the contact as of <paramref name="at"/> for one segment (a due time edge); the contact's index entry
    /// is cleared when the segment is no longer tracked.
    /// </summary>
    public async Task EvaluateAsync(string tenant, ContactDocument contact, DateTimeOffset at, string segmentId, CancellationToken cancellationToken)
    {
        if ((await tracked.OfAsync(tenant, cancellationToken)).FirstOrDefault(s => s.Id == segmentId) is { } segment)
        {
            await RecordAsync(tenant, [Evaluate(segment, contact, at, baseline: segment.Baselining)], cancellationToken);
        }
        else
        {
            await membership.SetNextAsync(tenant, segmentId, contact.Id, null, cancellationToken);
        }
    }

    /// <summary>
    /// Records one partition's part of a segment's baseline (a drip or trigger started tracking it): the membership of
    /// every contact with no record yet, as the partition is read (on its scan form when <paramref name="forms"/> has one,
    /// <see cref="PartitionContacts"/>), with no change, and its next time edge. A contact with a record is left to the
    /// evaluations of its writes: the read may have seen it before a write recorded already
    /// (<see cref="MembershipEvaluation.Scan"/>). Returns how many contacts were evaluated; none when the segment is not
    /// tracked any more.
    /// </summary>
    public async Task<long> BaselinePartitionAsync(string tenant, string segmentId, string partition, CancellationToken cancellationToken)
    {
        if ((await tracked.OfAsync(tenant, cancellationToken)).FirstOrDefault(s => s.Id == segmentId) is not { } segment)
        {
            return 0;
        }
        var page = new List<MembershipEvaluation>(BaselinePage);
        async ValueTask AddAsync(MembershipEvaluation evaluation)
        {
            page.Add(evaluation with { Scan = true });
            if (page.Count == BaselinePage)
            {
                await RecordAsync(tenant, page, cancellationToken);
                page = new List<MembershipEvaluation>(BaselinePage);
            }
        }
        var evaluated = await PartitionContacts.ReadAsync(contacts, forms, tenant, partition,
            async snapshot =>
            {
                // One instant for the form, as one for each document read: the form is as new as the partition when asked for.
                var (form, at) = (snapshot.Form, time.GetUtcNow());
                var members = segment.Scan.Bind(form, new AsOf(at));
                foreach (var c in snapshot.Live)
                {
                    await AddAsync(new MembershipEvaluation(segment.Id, form.Id(c), members.Matches(c), at, Baseline: true, segment.Edges.Next(form, c, at)));
                }
            },
            contact => AddAsync(Evaluate(segment, contact, time.GetUtcNow(), baseline: true)),
            cancellationToken: cancellationToken);
        await RecordAsync(tenant, page, cancellationToken);
        return evaluated;
    }

    /// <summary>Contacts whose baseline is recorded in one call.</summary>
    private const int BaselinePage = 256;

    private static MembershipEvaluation Evaluate(TrackedSegment segment, ContactDocument contact, DateTimeOffset at, bool baseline) =>
        new(segment.Id, contact.Id, segment.Segment.Matches(contact, new AsOf(at)), at, baseline, segment.Edges.Next(contact, at));

    /// <summary>
    /// Records the evaluations in one call: one older than the last one recorded for its contact and segment (a sweep that
    /// read the contact before a write was evaluated) records nothing, neither membership nor next edge. Then each segment
    /// that changed is dispatched.
    /// </summary>
    private async Task RecordAsync(string tenant, IReadOnlyList<MembershipEvaluation> evaluations, CancellationToken cancellationToken)
    {
        if (evaluations.Count == 0)
        {
            return;
        }
        var recordings = await membership.RecordAsync(tenant, evaluations, cancellationToken);
        var changed = evaluations.Where((_, i) => recordings[i].Change is not null).Select(e => e.Segment).Distinct().ToList();
        await Task.WhenAll(changed.Select(segment => dispatcher.DispatchAsync(tenant, segment, cancellationToken)));
    }
}
