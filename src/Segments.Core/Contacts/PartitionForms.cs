using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Segments.Core.Ports;
using Segments.Engine.Documents;
using Segments.Engine.PushDown;
using Segments.Engine.Scan;

namespace Segments.Core.Contacts;

/// <summary>
/// A partition's contacts as a scan reads them: the <see cref="ScanForm"/> built at some version of the partition, and
/// the contacts written or deleted since (<see cref="Changed"/>), whose entries in the form are skipped. Immutable.
/// </summary>
public sealed class PartitionSnapshot
{
    private readonly bool[]? _skipped;

    internal PartitionSnapshot(ScanForm form, long version, IReadOnlyDictionary<string, ContactDocument?> changes, bool[]? skipped)
    {
        Form = form;
        Version = version;
        Changes = changes;
        _skipped = skipped;
        Changed = [.. changes.Values.OfType<ContactDocument>()];
        Count = form.Count - (skipped?.Count(s => s) ?? 0) + Changed.Count;
    }

    public ScanForm Form { get; }

    /// <summary>The partition's version this snapshot is up to date with (<see cref="IPartitionChanges.VersionAsync"/>).</summary>
    public long Version { get; }

    /// <summary>The documents of the contacts written since the form was built, as they are now.</summary>
    public IReadOnlyList<ContactDocument> Changed { get; }

    /// <summary>The partition's contacts: the form's not skipped and the changed ones.</summary>
    public long Count { get; }

    internal IReadOnlyDictionary<string, ContactDocument?> Changes { get; }

    internal bool[]? Skipped => _skipped;

    /// <summary>The numbers of the form's contacts that did not change since it was built (the others are in <see cref="Changed"/>).</summary>
    public IEnumerable<int> Live
    {
        get
        {
            for (var c = 0; c < Form.Count; c++)
            {
                if (!Skips(c))
                {
                    yield return c;
                }
            }
        }
    }

    /// <summary>Whether contact number <paramref name="contact"/> of the form changed since (read it from <see cref="Changed"/>, or it is gone).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Skips(int contact) => _skipped is not null && _skipped[contact];

    /// <summary>Memory held: the form, its id table, the skip marks and about a folded document per change.</summary>
    internal long Bytes => Form.Bytes + (8L * Form.Count) + (_skipped?.Length ?? 0) + (ChangedDocumentBytes * Changes.Count);

    /// <summary>A folded document in memory, measured (bench/README.md): what a change costs while it waits for a rebuild.</summary>
    internal const int ChangedDocumentBytes = 2_281;
}

/// <summary>
/// Scan forms of contact partitions, derived state kept in memory, never the source of truth. Only for a store that
/// tells what changed (<see cref="IPartitionChanges"/>, checked on the store itself so that the versions and the documents
/// come from the same place); for another store <see cref="GetAsync"/> gives null and the caller reads documents.
/// <para>
/// A partition's form is built from its documents at the first call. Later calls ask the store for the partition's
/// version (an indexed lookup); when it moved, only the contacts changed since are read, kept beside the form and
/// skipped in it, until they outnumber <see cref="RebuildFraction"/> of the form (and <see cref="MinRebuild"/>): then the form is built again. Memory is
/// bounded by <see cref="MaxBytes"/> (a form is about 363 bytes a contact plus 9 for its id table and skip marks, a
/// change about a folded document): past it the least recently used partitions are let go (the one just asked for is
/// kept, so the bound is the larger of <see cref="MaxBytes"/> and one partition's snapshot).
/// </para>
/// </summary>
public sealed class PartitionForms(IContactStore store, long maxBytes = PartitionForms.DefaultMaxBytes)
{
    /// <summary>1 GiB: the forms of about 2.8 million contacts.</summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>Rebuild when the changed contacts pass a twentieth of the form: their documents weigh about six times their form.</summary>
    public const double RebuildFraction = 0.05;

    /// <summary>A small partition keeps this many changes before it is built again.</summary>
    public const int MinRebuild = 64;

    private readonly ConcurrentDictionary<(string Tenant, string Partition), Entry> _entries = new();
    private readonly ConcurrentDictionary<(string Tenant, string Partition), SemaphoreSlim> _gates = new();

    public long MaxBytes => maxBytes;

    /// <summary>The memory the kept snapshots hold.</summary>
    public long Bytes => _entries.Values.Sum(e => e.Snapshot.Bytes);

    /// <summary>The partition up to date as of now, or null when the store cannot tell what changed.</summary>
    public async Task<PartitionSnapshot?> GetAsync(string tenant, string partition, CancellationToken cancellationToken = default)
    {
        if (store is not IPartitionChanges changes)
        {
            return null;
        }
        var key = (tenant, partition);
        var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var version = await changes.VersionAsync(tenant, partition, cancellationToken);
            var snapshot = _entries.TryGetValue(key, out var entry)
                ? entry.Snapshot.Version == version ? entry.Snapshot : await RefreshAsync(changes, tenant, partition, entry.Snapshot, version, cancellationToken)
                : null;
            snapshot ??= await BuildAsync(tenant, partition, version, cancellationToken);
            _entries[key] = new Entry(snapshot, Stopwatch.GetTimestamp());
            Evict(key);
            return snapshot;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The snapshot with the changes since its version, or null when they are too many (build again).</summary>
    private static async Task<PartitionSnapshot?> RefreshAsync(IPartitionChanges changes, string tenant, string partition, PartitionSnapshot snapshot,
        long version, CancellationToken cancellationToken)
    {
        var form = snapshot.Form;
        var merged = new Dictionary<string, ContactDocument?>(snapshot.Changes, StringComparer.Ordinal);
        var skipped = (bool[]?)snapshot.Skipped?.Clone() ?? new bool[form.Count];
        await foreach (var change in changes.ChangedSinceAsync(tenant, partition, snapshot.Version, cancellationToken))
        {
            merged[change.ContactId] = change.Document;
            if (merged.Count > Math.Max(MinRebuild, RebuildFraction * form.Count))
            {
                return null;
            }
            if (form.IndexOf(change.ContactId) is var c and >= 0)
            {
                skipped[c] = true;
            }
        }
        return new PartitionSnapshot(form, version, merged, skipped);
    }

    /// <summary>
    /// The form of every document of the partition, which are read after <paramref name="version"/> (so at least as new),
    /// each added as the scan hands it over and let go: a partition's documents are several times its form.
    /// </summary>
    private async Task<PartitionSnapshot> BuildAsync(string tenant, string partition, long version, CancellationToken cancellationToken)
    {
        var builder = new ScanFormBuilder();
        await foreach (var document in store.ScanAsync(tenant, partition, cancellationToken: cancellationToken))
        {
            builder.Add(document);
        }
        return new PartitionSnapshot(builder.Build(), version, new Dictionary<string, ContactDocument?>(), skipped: null);
    }

    /// <summary>Lets go of the least recently used snapshots, other than <paramref name="kept"/>, while the total is over the bound.</summary>
    private void Evict((string, string) kept)
    {
        var total = Bytes;
        foreach (var (key, entry) in _entries.OrderBy(e => e.Value.LastUsed).ToList())
        {
            if (total <= maxBytes)
            {
                return;
            }
            if (!key.Equals(kept) && _entries.TryRemove(key, out _))
            {
                total -= entry.Snapshot.Bytes;
            }
        }
    }

    private sealed record Entry(PartitionSnapshot Snapshot, long LastUsed);
}

/// <summary>
/// How every reader of a partition's contacts takes them (a send, a preview, a drip's or trigger's baseline, the daily
/// report): on the partition's scan form when <see cref="PartitionForms"/> has one (the form's contacts not changed since
/// it was built, <see cref="PartitionSnapshot.Live"/>, then the changed ones' documents), else on every document the
/// store's scan hands over.
/// </summary>
public static class PartitionContacts
{
    /// <summary>
    /// Hands the partition to <paramref name="onForm"/> (once, with its snapshot) and <paramref name="onDocument"/> (per
    /// document read); <paramref name="pushDown"/> may leave out of a document scan contacts that cannot matter to the reader.
    /// Returns how many contacts were read: the snapshot's, or the documents the scan handed over.
    /// </summary>
    public static async Task<long> ReadAsync(IContactStore store, PartitionForms? forms, string tenant, string partition,
        Func<PartitionSnapshot, ValueTask> onForm, Func<ContactDocument, ValueTask> onDocument, PushDownCondition? pushDown = null,
        CancellationToken cancellationToken = default)
    {
        if (forms is not null && await forms.GetAsync(tenant, partition, cancellationToken) is { } snapshot)
        {
            await onForm(snapshot);
            foreach (var contact in snapshot.Changed)
            {
                await onDocument(contact);
            }
            return snapshot.Count;
        }
        var read = 0L;
        await foreach (var contact in store.ScanAsync(tenant, partition, pushDown, cancellationToken))
        {
            read++;
            await onDocument(contact);
        }
        return read;
    }
}
