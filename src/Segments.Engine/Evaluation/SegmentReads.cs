using Segments.Engine.Documents;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Engine.Evaluation;

/// <summary>
/// The parts of a contact's data a segment reads, following its references: the events each event condition counts
/// (the bits its matcher needs; the <c>last</c> campaign also reads <c>sent</c>), geo or device for context
/// conditions, the fields of field conditions and the lists of list conditions (a list's opt-outs come with
/// unsubscribes, which the fold reports as the list). A write whose parts do not overlap these leaves the segment's
/// membership as it was.
/// </summary>
public static class SegmentReads
{
    /// <summary>What <paramref name="definition"/> reads, with the segments it references (<paramref name="definitions"/> by id).</summary>
    public static ContactParts Of(SegmentDefinition definition, IReadOnlyDictionary<string, SegmentDefinition> definitions) =>
        definition.Match.Accept(new Reads(definition.Id, definitions));

    private sealed class Reads(string root, IReadOnlyDictionary<string, SegmentDefinition> definitions) : IConditionVisitor<ContactParts>
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal) { root };

        public ContactParts Visit(AllOf condition) => ContactParts.Union(condition.Conditions.Select(c => c.Accept(this)));

        public ContactParts Visit(AnyOf condition) => ContactParts.Union(condition.Conditions.Select(c => c.Accept(this)));

        public ContactParts Visit(Not condition) => condition.Condition.Accept(this);

        public ContactParts Visit(FieldCondition condition) => ContactParts.OfField(condition.Field);

        public ContactParts Visit(EngagementCondition condition) => ContactParts.OfEvents(EngagementMatcher.Needs(condition.Event)
            | (condition.Campaign.Kind == CampaignScopeKind.Last ? EventSignature.Name(EventKind.Email, Words.Of(EngagementEvent.Sent)) : 0));

        public ContactParts Visit(PixelCondition condition) => ContactParts.OfEvents(PixelMatcher.Needs(condition));

        public ContactParts Visit(ConversionCondition condition) => ContactParts.OfEvents(ConversionMatcher.Needs(condition));

        public ContactParts Visit(ListCondition condition) => ContactParts.OfList(condition.ListId);

        // A segment reached twice is read once; one that does not exist could read anything: every write re-evaluates.
        public ContactParts Visit(SegmentCondition condition) =>
            !_seen.Add(condition.SegmentId) ? ContactParts.None
            : definitions.TryGetValue(condition.SegmentId, out var target) ? target.Match.Accept(this)
            : ContactParts.All;

        public ContactParts Visit(ContextCondition condition) =>
            ContactParts.OfEvents(condition.Kind == ContextKind.Geo ? EventSignature.Geo : EventSignature.Device);

        // Neither reads the contact's data: everyone is in from creation, and a bucket comes from the id alone.
        public ContactParts Visit(Everyone condition) => ContactParts.None;

        public ContactParts Visit(BucketCondition condition) => ContactParts.None;
    }
}
