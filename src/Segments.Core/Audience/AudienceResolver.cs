using Segments.Core.Documents;
using Segments.Core.Evaluation;
using Segments.Core.Model;

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
        var t = new AsOf(asOf);
        var tally = new AudienceTally();
        var recipients = new List<Recipient>();
        foreach (var contact in contacts)
        {
            if (!segment.Matches(contact, t))
            {
                continue;
            }
            var decision = AudiencePolicy.Decide(contact, suppressionsOf(contact.Id), list, t);
            tally.Count(decision);
            if (decision.Outcome == SendOutcome.Included)
            {
                recipients.Add(new Recipient(contact.Id, contact.Email));
            }
        }
        recipients.Sort((a, b) => string.CompareOrdinal(a.ContactId, b.ContactId));
        return new AudiencePart(tally, recipients);
    }
}
