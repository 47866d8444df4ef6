namespace Segments.Embedded.Durability;

/// <summary>
/// Makes the fold's SQLite commits durable before the log's checkpoint passes them. The fold commits with
/// <c>synchronous=NORMAL</c> under WAL: a commit is in the write-ahead file, which the operating system holds (a
/// <c>kill -9</c> loses nothing) but has not necessarily written to the disk (a power loss could). An fsync of each
/// database's <c>-wal</c> file writes every commit so far; what SQLite has already moved from it into the database
/// file was synced by SQLite itself when it did (a checkpoint under NORMAL syncs the database file).
/// </summary>
public sealed class StoreSync(IReadOnlyList<string> databases)
{
    public void Flush()
    {
        foreach (var database in databases)
        {
            try
            {
                using var wal = new FileStream(database + "-wal", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
                wal.Flush(flushToDisk: true);
            }
            catch (FileNotFoundException)
            {
                // No write-ahead file: every commit is in the database file, synced when it was moved there.
            }
        }
    }
}
