using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Model;

namespace Segments.Core.Audience;

/// <summary>One recipient of a send.</summary>
public readonly record struct Recipient(string ContactId, string? Email);

/// <summary>The resolved audience of one send over some contacts (all of them, or one partition).</summary>
public sealed record AudiencePart(AudienceTally Tally, List<Recipient> Recipients);

/// <summary>Evaluates a segment at T and applies the send-time rules of <see cref="AudiencePolicy"/>.</summary>
public static class AudienceResolver
{
    public static AudiencePart Resolve(CompiledSegment segment, IEnumerable<ContactDocument> contacts,
        Func<string, IEnumerable<Suppression>> suppressionsOf, string? list, DateTimeOffset asOf)
    {
        var builder = new AudienceBuilder(segment, suppressionsOf, list, asOf);
        foreach (var contact in contacts)
        {
            builder.Add(contact);
        }
        return builder.Build();
    }
}

/// <summary>
/// The resolution of one send, one contact at a time, so that contacts can stream in from a store (a partition
/// of millions need not be held in memory, only its recipients). A member of any <paramref name="exclude"/> segment is
/// counted as excluded before the send-time rules apply.
/// </summary>
/// <param name="erasure">The tenant's erased contacts: one met again (by id or address) is never a recipient.</param>
public sealed class AudienceBuilder(CompiledSegment segment, Func<string, IEnumerable<Suppression>> suppressionsOf, string? list, DateTimeOffset asOf,
    Suppressions.Erasure? erasure = null, IReadOnlyList<CompiledSegment>? exclude = null)
{
    private readonly AsOf _t = new(asOf);
    private readonly AudienceTally _tally = new();
    private readonly List<Recipient> _recipients = [];

    public void Add(ContactDocument contact)
    {
        if (segment.Matches(contact, _t))
        {
            AddMember(contact.Id, contact.Email, exclude is not null && exclude.Any(e => e.Matches(contact, _t)), SendFacts.Of(contact, list, _t));
        }
    }

    /// <summary>A member decided elsewhere (on a scan form): whether an excluded segment holds it, and its facts at T.</summary>
    public void AddMember(string contactId, string? email, bool excluded, in SendFacts facts)
    {
        if (excluded)
        {
            _tally.CountExcluded();
            return;
        }
        var decision = erasure is not null && erasure.Holds(contactId, email)
            ? new SendDecision(SendOutcome.Erased)
            : AudiencePolicy.Decide(facts, suppressionsOf(contactId), list, _t);
        _tally.Count(decision);
        if (decision.Outcome == SendOutcome.Included)
        {
            _recipients.Add(new Recipient(contactId, email));
        }
    }

    /// <summary>The counts and the recipients sorted by contact id (ordinal).</summary>
    public AudiencePart Build()
    {
        _recipients.Sort((a, b) => string.CompareOrdinal(a.ContactId, b.ContactId));
        return new AudiencePart(_tally, _recipients);
    }
}
