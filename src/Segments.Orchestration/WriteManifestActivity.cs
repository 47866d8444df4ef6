using Microsoft.DurableTask;
using Segments.Core.Audience;
using Segments.Core.Ports;

namespace Segments.Orchestration;

public sealed record ManifestInput(string Tenant, string Broadcast, AudienceManifest Manifest);

/// <summary>Writes the manifest, after every part: its presence says the audience is complete.</summary>
public sealed class WriteManifestActivity(IAudienceSink sink) : TaskActivity<ManifestInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ManifestInput input)
    {
        await sink.WriteManifestAsync(new AudienceAddress(input.Tenant, input.Broadcast), input.Manifest);
        return true;
    }
}
