using Segments.Core.Ports;
using Segments.Engine.Language;

namespace Segments.Embedded.Jobs;

/// <summary>
/// An import's chunks in a local folder, <c>{root}/{tenant}/{job}/chunk-NNNNN.ndjson</c>, each flushed to disk under a
/// temporary name and moved into place before the job is acknowledged.
/// </summary>
public sealed class FolderImportSpool(string root) : IImportSpool
{
    public async Task WriteChunkAsync(string tenant, string job, int index, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(tenant, job, index);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            await stream.WriteAsync(content, cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public Task<Stream> OpenChunkAsync(string tenant, string job, int index, CancellationToken cancellationToken = default) =>
        Task.FromResult<Stream>(File.OpenRead(PathOf(tenant, job, index)));

    public Task DeleteAsync(string tenant, string job, CancellationToken cancellationToken = default)
    {
        var folder = Path.GetDirectoryName(PathOf(tenant, job, 0))!;
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        return Task.CompletedTask;
    }

    private string PathOf(string tenant, string job, int index) =>
        DefinitionParser.IdShape().IsMatch(tenant) && DefinitionParser.IdShape().IsMatch(job)
            ? Path.Combine(root, tenant, job, $"chunk-{index:D5}.ndjson")
            : throw new ArgumentException($"'{tenant}/{job}' is not a tenant and a job id");
}
