using System.Text.RegularExpressions;
using Segments.Core.Audience;
using Segments.Engine.Language;

namespace Segments.Core.Ports;

/// <summary>
/// Where resolved audiences are written. Names are deterministic, and a write replaces what was there, so an
/// activity that runs again writes the same file with the same content. A writer writes the parts first and
/// the manifest last: a manifest present means its parts are complete.
/// </summary>
public interface IAudienceSink
{
    /// <summary>Writes one part (<see cref="AudienceAddress.PartName"/>), recipients in the order given, in <see cref="AudienceFormat"/>.</summary>
    Task WritePartAsync(AudienceAddress address, string part, IReadOnlyList<Recipient> recipients, CancellationToken cancellationToken = default);

    Task WriteManifestAsync(AudienceAddress address, AudienceManifest manifest, CancellationToken cancellationToken = default);

    /// <summary>The manifest, or null while there is none (the resolution has not finished).</summary>
    Task<AudienceManifest?> ReadManifestAsync(AudienceAddress address, CancellationToken cancellationToken = default);

    /// <summary>A part's bytes, for reading.</summary>
    Task<Stream> OpenPartAsync(AudienceAddress address, string part, CancellationToken cancellationToken = default);

    /// <summary>Removes everything at the address: an earlier attempt's parts and manifest, and whatever a crash left half written.</summary>
    Task ClearAsync(AudienceAddress address, CancellationToken cancellationToken = default);
}
