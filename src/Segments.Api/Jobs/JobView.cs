using Segments.Core.Jobs;
using Segments.Engine.Model;

namespace Segments.Api.Jobs;

/// <summary>
/// A long job as <c>GET /api/jobs/{id}</c> shows it: its kind (<c>import</c>, <c>baseline</c>), status (<c>queued</c>,
/// <c>running</c>, <c>completed</c>, <c>failed</c>), parts done of all, the items handled (lines imported, contacts
/// evaluated) and rejected, and the first <see cref="MaxErrors"/> problems in line order, each with its line and JSON path.
/// </summary>
public sealed record JobView(string Id, string Kind, string Status, string Created, string? Finished, int PartsDone, int Parts, long Done,
    long Rejected, IReadOnlyList<JobError> Errors, string? Error)
{
    public const int MaxErrors = 1000;

    public static JobView From(Job job, IReadOnlyList<JobPart> parts) => new(
        job.Id, Job.Word(job.Kind), Job.Word(job.Status), Rfc3339.Format(job.Created), job.Finished is { } f ? Rfc3339.Format(f) : null,
        parts.Count, job.Parts, parts.Sum(p => p.Done), parts.Sum(p => p.Rejected),
        [.. parts.SelectMany(p => p.Errors).OrderBy(e => e.Line).Take(MaxErrors)], job.Error);
}
