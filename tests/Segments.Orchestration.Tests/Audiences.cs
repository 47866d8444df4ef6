using Segments.Core.Audience;
using Segments.Core.Ports;

namespace Segments.Orchestration.Tests;

/// <summary>Reading written audiences back, as bytes to compare.</summary>
public static class Audiences
{
    /// <summary>The merged audience (the <c>GET /api/broadcasts/{id}/audience</c> body) as bytes.</summary>
    public static async Task<byte[]> MergedAsync(IAudienceSink sink, AudienceAddress address)
    {
        var manifest = await sink.ReadManifestAsync(address) ?? throw new InvalidOperationException($"no manifest at {address}");
        var recipients = new List<Recipient>();
        await foreach (var recipient in AudienceReader.ReadAsync(sink, address, manifest))
        {
            recipients.Add(recipient);
        }
        using var bytes = new MemoryStream();
        AudienceFormat.Write(bytes, recipients);
        return bytes.ToArray();
    }

    /// <summary>Every part's bytes, in the manifest's order.</summary>
    public static async Task<IReadOnlyList<byte[]>> PartsAsync(IAudienceSink sink, AudienceAddress address)
    {
        var manifest = await sink.ReadManifestAsync(address) ?? throw new InvalidOperationException($"no manifest at {address}");
        var parts = new List<byte[]>();
        foreach (var part in manifest.Parts)
        {
            await using var stream = await sink.OpenPartAsync(address, part);
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            parts.Add(bytes.ToArray());
        }
        return parts;
    }

    /// <summary>What the offline resolver (the <c>segments resolve</c> command) writes for the same send, as bytes.</summary>
    public static byte[] Offline(AudiencePart part)
    {
        using var bytes = new MemoryStream();
        AudienceFormat.Write(bytes, part.Recipients);
        return bytes.ToArray();
    }
}
