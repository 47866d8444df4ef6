using System.Collections.Concurrent;
using Segments.Engine.Documents;

namespace Segments.Engine.Offline;

/// <summary>
/// The distinct event contents of one offline read, numbered densely so that an event record holds a 4-byte
/// number instead of a reference, each shared through <see cref="EventInfoPool"/> (evaluation caches its verdicts
/// per shared content). Safe for concurrent use.
/// </summary>
internal sealed class EventContents
{
    private readonly ConcurrentDictionary<EventInfo, int> _numbers = new();
    private readonly List<EventInfo> _items = [];

    /// <summary>All contents by number: read it once the events are read, without a lock.</summary>
    public EventInfo[] ToArray()
    {
        lock (_items)
        {
            return [.. _items];
        }
    }

    public int Number(EventInfo info)
    {
        if (_numbers.TryGetValue(info, out var number))
        {
            return number;
        }
        var shared = EventInfoPool.Shared.Share(info);
        lock (_items)
        {
            if (_numbers.TryGetValue(shared, out number))
            {
                return number;
            }
            _items.Add(shared);
            _numbers[shared] = _items.Count - 1;
            return _items.Count - 1;
        }
    }
}
