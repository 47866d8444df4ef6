namespace Segments.Orchestration;

/// <summary>
/// The orchestration instance of a broadcast. Derived from the tenant and the broadcast id (both of the shape of
/// segment ids, so the separator cannot occur in them): scheduling the same broadcast twice finds the first, and a
/// tenant can only ever name its own instances.
/// </summary>
public static class BroadcastInstance
{
    public static string Id(string tenant, string broadcast) => $"broadcast:{tenant}:{broadcast}";
}
