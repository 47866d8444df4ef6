using Segments.Core.Contacts;
using Segments.Core.Ports;
using Segments.Core.Suppressions;
using Segments.Engine.Evaluation;
using Segments.Engine.Model;
using Segments.Engine.PushDown;
using Segments.Engine.Scan;

namespace Segments.Core.Audience;

/// <summary>The audience of one contact partition and how many contacts the store handed over for it.</summary>
public sealed record PartitionResult(AudiencePart Part, long Scanned);

/// <summary>
/// Resolves a send over one partition of a store. With the partition's scan form (<see cref="PartitionForms"/>), its
/// contacts are decided on the form and those changed since it was built on their documents; without, the store is
/// scanned with the segment's push-down (it may leave out contacts that cannot match) and every contact decided on its
/// document. Either way each contact is decided exactly, by <see cref="AudienceBuilder"/>.
/// </summary>
public static class PartitionAudience
{
    public static async Task<PartitionResult> ResolveAsync(IContactStore store, PartitionForms? forms, string tenant, string partition,
        SegmentSet segments, string segment, SuppressionIndex suppressions, string? list, DateTimeOffset asOf, IReadOnlyList<string>? exclude = null,
        CancellationToken cancellationToken = default)
    {
        var compiled = segments[segment];
        var builder = new AudienceBuilder(compiled, suppressions.Of, list, asOf, suppressions.Erasure, exclude?.Select(e => segments[e]).ToList());
        var scanned = await PartitionContacts.ReadAsync(store, forms, tenant, partition,
            snapshot =>
            {
                AddFromForm(snapshot, new ScanSegmentSet(segments.All.Select(s => s.Definition)), segment, exclude ?? [], builder, list, new AsOf(asOf));
                return ValueTask.CompletedTask;
            },
            contact =>
            {
                builder.Add(contact);
                return ValueTask.CompletedTask;
            },
            PushDownCondition.For(compiled, segments, asOf), cancellationToken);
        return new PartitionResult(builder.Build(), scanned);
    }

    /// <summary>The form's unchanged members, each decided on the form (the changed contacts are added on their documents).</summary>
    private static void AddFromForm(PartitionSnapshot snapshot, ScanSegmentSet scan, string segment, IReadOnlyList<string> exclude,
        AudienceBuilder builder, string? list, AsOf t)
    {
        var form = snapshot.Form;
        var members = scan[segment].Bind(form, t);
        var excluded = exclude.Select(e => scan[e].Bind(form, t)).ToArray();
        foreach (var c in snapshot.Live)
        {
            if (members.Matches(c))
            {
                builder.AddMember(form.Id(c), form.Email(c), excluded.Any(e => e.Matches(c)), SendFacts.Of(form, c, list, t));
            }
        }
    }
}

/// <summary>A tenant's explicit suppressions in effect at T (at or before it), by contact.</summary>
public sealed class SuppressionIndex
{
    public static readonly SuppressionIndex Empty = new(new Dictionary<string, List<Suppression>>(), null);

    private readonly Dictionary<string, List<Suppression>> _byContact;

    private SuppressionIndex(Dictionary<string, List<Suppression>> byContact, Erasure? erasure)
    {
        _byContact = byContact;
        Erasure = erasure;
    }

    /// <summary>The tenant's erased contacts (null when it has none).</summary>
    public Erasure? Erasure { get; }

    public int Count => _byContact.Count;

    public IEnumerable<Suppression> Of(string contactId) =>
        _byContact.TryGetValue(contactId, out var found) ? found : [];

    /// <summary>Reads the tenant's suppressions and erasures once; suppressions after T cannot apply and are not kept.</summary>
    public static async Task<SuppressionIndex> LoadAsync(ISuppressionStore store, string tenant, DateTimeOffset asOf,
        CancellationToken cancellationToken = default)
    {
        var byContact = new Dictionary<string, List<Suppression>>(StringComparer.Ordinal);
        await foreach (var suppression in store.ListAsync(tenant, cancellationToken))
        {
            if (suppression.At > asOf)
            {
                continue;
            }
            if (!byContact.TryGetValue(suppression.ContactId, out var list))
            {
                byContact[suppression.ContactId] = list = [];
            }
            list.Add(suppression);
        }
        var erased = await store.ErasedAsync(tenant, cancellationToken);
        return new SuppressionIndex(byContact, erased.Count == 0 ? null : new Erasure(await store.SaltAsync(tenant, cancellationToken), erased));
    }
}
