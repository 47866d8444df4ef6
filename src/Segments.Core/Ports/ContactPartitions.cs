namespace Segments.Core.Ports;

/// <summary>
/// The partitions of a tenant's contacts for the stores that cut them into buckets themselves (SQLite, the tests' memory
/// store): the list <see cref="IContactStore.ListPartitionsAsync"/> hands out and the bucket each contact falls in.
/// </summary>
public static class ContactPartitions
{
    /// <summary>A stable bucket for a contact id (FNV-1a over UTF-16), the same on every machine and run.</summary>
    public static int Of(string contactId, int partitions)
    {
        var hash = 2166136261u;
        foreach (var c in contactId)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash % (uint)partitions);
    }
}
