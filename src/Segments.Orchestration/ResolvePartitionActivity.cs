using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Segments.Core.Audience;
using Segments.Core.Contacts;
using Segments.Core.Ports;

namespace Segments.Orchestration;

/// <summary>
/// Resolves one partition and writes its part. Everything it reads is fixed by its input (the frozen segment, T) or
/// is a fact that does not change (contacts as of T, suppressions at or before T), and the part's name is its
/// position: running it again writes the same bytes to the same name. With <see cref="PartitionForms"/> registered, the
/// partition is read from its scan form, brought up to date first.
/// </summary>
public sealed class ResolvePartitionActivity(IContactStore contacts, ISuppressionStore suppressions, IAudienceSink sink,
    TimeProvider time, ILogger<ResolvePartitionActivity> logger, PartitionForms? forms = null) : TaskActivity<PartitionInput, PartitionOutcome>
{
    public override async Task<PartitionOutcome> RunAsync(TaskActivityContext context, PartitionInput input)
    {
        var started = time.GetTimestamp();
        var segments = input.Segment.Compile();
        var index = await SuppressionIndex.LoadAsync(suppressions, input.Tenant, input.AsOf);
        var result = await PartitionAudience.ResolveAsync(contacts, forms, input.Tenant, input.Partition, segments, input.Segment.Segment, index,
            input.List, input.AsOf, input.Segment.Exclude);
        var resolved = time.GetTimestamp();
        var part = AudienceAddress.PartName(input.Index);
        await sink.WritePartAsync(new AudienceAddress(input.Tenant, input.Broadcast), part, result.Part.Recipients);
        var written = time.GetTimestamp();
        var tally = result.Part.Tally;
        logger.LogInformation(
            "Resolved partition {Partition} of broadcast {Broadcast} of tenant {Tenant} (segment {Segment}): {Scanned} scanned, {Matched} matched, {Audience} in the audience",
            input.Index, input.Broadcast, input.Tenant, input.Segment.Segment, result.Scanned, tally.Matched, tally.Audience);
        return new PartitionOutcome(part, result.Scanned, tally.Matched, tally.Suppressed, tally.OptedOut, tally.Audience,
            (long)time.GetElapsedTime(started, resolved).TotalMilliseconds, (long)time.GetElapsedTime(resolved, written).TotalMilliseconds, tally.Excluded);
    }
}
