using Segments.Core.Documents;
using Segments.Core.Language;
using Segments.Core.Model;

namespace Segments.Core.Evaluation;

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
    public static ContactParts Of(SegmentDefinition definition, IReadOnlyDictionary<string, SegmentDefinition> definitions)
    {
        var events = 0UL;
        var fields = new HashSet<string>(StringComparer.Ordinal);
        var lists = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal) { definition.Id };
        var unknown = false;
        void Walk(Condition condition)
        {
            switch (condition)
            {
                case AllOf all: all.Conditions.ToList().ForEach(Walk); break;
                case AnyOf any: any.Conditions.ToList().ForEach(Walk); break;
                case Not not: Walk(not.Condition); break;
                case FieldCondition f: fields.Add(f.Field); break;
                case EngagementCondition e:
                    events |= EngagementMatcher.Needs(e.Event)
                        | (e.Campaign.Kind == CampaignScopeKind.Last ? EventSignature.Name(EventKind.Email, "sent") : 0);
                    break;
                case PixelCondition p: events |= PixelMatcher.Needs(p); break;
                case ConversionCondition c: events |= ConversionMatcher.Needs(c); break;
                case ContextCondition g: events |= g.Kind == ContextKind.Geo ? EventSignature.Geo : EventSignature.Device; break;
                case ListCondition l: lists.Add(l.ListId); break;
                case SegmentCondition s when seen.Add(s.SegmentId):
                    if (definitions.TryGetValue(s.SegmentId, out var target))
                    {
                        Walk(target.Match);
                    }
                    else
                    {
                        unknown = true;
                    }
                    break;
                case SegmentCondition: break; // Walked already (two paths to one segment).
                default: unknown = true; break;
            }
        }
        Walk(definition.Match);
        // A reference or a condition this walk does not know could read anything: every write re-evaluates the segment.
        return unknown ? ContactParts.All : new ContactParts(events, fields, lists);
    }
}
