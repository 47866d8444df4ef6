using Segments.Core.Contacts.Import;

namespace Segments.Core.Ports;

/// <summary>
/// Where an import's upload waits for its job, cut into chunks (<see cref="ImportSpooler"/>): written before the job is
/// acknowledged, read by the job's parts, deleted when the job ends (they hold personal data). Scoped by tenant and job.
/// </summary>
public interface IImportSpool
{
    Task WriteChunkAsync(string tenant, string job, int index, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    Task<Stream> OpenChunkAsync(string tenant, string job, int index, CancellationToken cancellationToken = default);

    Task DeleteAsync(string tenant, string job, CancellationToken cancellationToken = default);
}
