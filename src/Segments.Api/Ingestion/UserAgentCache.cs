using System.Collections.Concurrent;
using Segments.Core.Ingestion;

namespace Segments.Api.Ingestion;

/// <summary>
/// Remembers how User-Agent strings classify: a site's visitors send a few hundred distinct strings, and the
/// classifier's table scan costs more than the rest of a hit. Bounded: past <see cref="Capacity"/> strings it
/// classifies without remembering, so that a client inventing agents cannot grow it.
/// </summary>
public sealed class UserAgentCache
{
    public const int Capacity = 10_000;

    /// <summary>Longer strings are classified each time: real agents are a few hundred characters.</summary>
    private const int MaxCachedLength = 512;

    private readonly ConcurrentDictionary<(string Agent, bool EmailOpen), UserAgentInfo> _known = new();

    public UserAgentInfo Classify(string userAgent, bool emailOpen)
    {
        if (_known.TryGetValue((userAgent, emailOpen), out var known))
        {
            return known;
        }
        var info = UserAgentClassifier.Classify(userAgent, emailOpen);
        if (userAgent.Length <= MaxCachedLength && _known.Count < Capacity)
        {
            _known.TryAdd((userAgent, emailOpen), info);
        }
        return info;
    }
}
