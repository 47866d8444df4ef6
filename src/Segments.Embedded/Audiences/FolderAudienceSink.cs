using System.Text.Json;
using Segments.Core.Audience;
using Segments.Core.Ports;

namespace Segments.Embedded.Audiences;

/// <summary>
/// Audiences in a local folder, for the single-machine runtime: <c>{root}/{tenant}/{broadcast}/</c>, the root being the
/// data folder's <c>audiences</c>. Each file is written under a temporary name and moved into place, so a reader never
/// sees half of one and a write that runs again replaces the file whole.
/// </summary>
public sealed class FolderAudienceSink(string root) : IAudienceSink
{
    /// <summary>
    /// The sink of <paramref name="root"/>, after moving audiences an earlier layout kept one level deeper
    /// (<c>{root}/audiences/{tenant}/{broadcast}/</c>) to where they belong. A tenant folder holds only broadcast
    /// folders; a folder holding files is a broadcast of a tenant named "audiences" and stays.
    /// </summary>
    public static FolderAudienceSink Open(string root)
    {
        var nested = Path.Combine(root, "audiences");
        if (Directory.Exists(nested))
        {
            foreach (var tenant in Directory.GetDirectories(nested))
            {
                var target = Path.Combine(root, Path.GetFileName(tenant));
                if (!Directory.Exists(target) && Directory.GetFiles(tenant).Length == 0)
                {
                    Directory.Move(tenant, target);
                }
            }
            if (Directory.GetFileSystemEntries(nested).Length == 0)
            {
                Directory.Delete(nested);
            }
        }
        return new FolderAudienceSink(root);
    }

    public Task WritePartAsync(AudienceAddress address, string part, IReadOnlyList<Recipient> recipients,
        CancellationToken cancellationToken = default) =>
        WriteAsync(address, part, stream => AudienceFormat.Write(stream, recipients), cancellationToken);

    public Task WriteManifestAsync(AudienceAddress address, AudienceManifest manifest, CancellationToken cancellationToken = default) =>
        WriteAsync(address, AudienceAddress.ManifestName, stream => JsonSerializer.Serialize(stream, manifest, AudienceManifest.Json),
            cancellationToken);

    public async Task<AudienceManifest?> ReadManifestAsync(AudienceAddress address, CancellationToken cancellationToken = default)
    {
        var path = PathOf(address, AudienceAddress.ManifestName);
        if (!File.Exists(path))
        {
            return null;
        }
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<AudienceManifest>(stream, AudienceManifest.Json, cancellationToken);
    }

    public Task<Stream> OpenPartAsync(AudienceAddress address, string part, CancellationToken cancellationToken = default) =>
        Task.FromResult<Stream>(File.OpenRead(PathOf(address, part)));

    /// <summary>The folder goes whole, temporary files of a write a crash interrupted included.</summary>
    public Task ClearAsync(AudienceAddress address, CancellationToken cancellationToken = default)
    {
        var folder = Path.Combine(root, address.Folder);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Removes the tenant's audiences whose manifest was written before <paramref name="cutoff"/> (an audience still
    /// being written has none yet, and stays); the broadcasts removed.
    /// </summary>
    public IReadOnlyList<string> RemoveResolvedBefore(string tenant, DateTimeOffset cutoff)
    {
        var folder = Path.Combine(root, tenant);
        if (!Directory.Exists(folder))
        {
            return [];
        }
        var removed = new List<string>();
        foreach (var broadcast in Directory.GetDirectories(folder))
        {
            var manifest = Path.Combine(broadcast, AudienceAddress.ManifestName);
            if (File.Exists(manifest) && File.GetLastWriteTimeUtc(manifest) < cutoff.UtcDateTime)
            {
                Directory.Delete(broadcast, recursive: true);
                removed.Add(Path.GetFileName(broadcast));
            }
        }
        return removed;
    }

    private Task WriteAsync(AudienceAddress address, string name, Action<Stream> write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathOf(address, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
        return Task.CompletedTask;
    }

    private string PathOf(AudienceAddress address, string name) =>
        AudienceAddress.IsFileName(name)
            ? Path.Combine(root, address.Folder, name)
            : throw new ArgumentException($"'{name}' is neither a part nor the manifest", nameof(name));
}
