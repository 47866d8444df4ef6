using Segments.Engine.Documents;

namespace Segments.Engine.Evaluation;

/// <summary>
/// A condition's verdict per shared event content (<see cref="EventInfo.SharedIndex"/>): millions of contacts
/// share a few thousand contents, so each predicate runs once per content instead of once per event.
/// Safe without locks: entries are idempotent, and a write lost to a concurrent resize is recomputed.
/// </summary>
internal sealed class VerdictCache(Func<EventInfo, byte> compute)
{
    private byte[] _verdicts = new byte[256];

    /// <summary>The verdict for this content (never 0: 0 marks an empty slot).</summary>
    public byte Get(EventInfo info)
    {
        var index = info.SharedIndex;
        if (index < 0)
        {
            return compute(info);
        }
        var verdicts = _verdicts;
        if (index < verdicts.Length && verdicts[index] != 0)
        {
            return verdicts[index];
        }
        var verdict = compute(info);
        if (index >= verdicts.Length)
        {
            var grown = new byte[Math.Max(index + 1, verdicts.Length * 2)];
            verdicts.CopyTo(grown, 0);
            _verdicts = verdicts = grown;
        }
        verdicts[index] = verdict;
        return verdict;
    }
}
