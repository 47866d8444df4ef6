using System.Globalization;
using System.Text;

using Segments.Embedded.Durability;
namespace Segments.Embedded.Streaming;

/// <summary>
/// Where the fold stands in the log, as the Event Hubs processor's checkpoint does in Azure: the sequence of the first
/// event not known to be folded. Written to a temporary file, fsynced and renamed over the old one (and the directory
/// fsynced), so it is always one whole value. A file that cannot be read counts as no checkpoint: the fold then starts
/// at the oldest event kept, which replays more but loses nothing.
/// </summary>
internal sealed class LogCheckpoint(string directory)
{
    private const string FileName = "checkpoint";

    private string Path => System.IO.Path.Combine(directory, FileName);

    public long? Read()
    {
        try
        {
            return long.TryParse(File.ReadAllText(Path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var next) ? next : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public void Write(long next)
    {
        var temporary = Path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Encoding.ASCII.GetBytes(next.ToString(CultureInfo.InvariantCulture) + "\n"));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path, overwrite: true);
        DirectorySync.Flush(directory);
    }
}
