using Microsoft.AspNetCore.Http;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Catalog;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Engine.Language;

namespace Segments.Api.Membership;

/// <summary>One day's count in one slice (the slice is empty when not sliced).</summary>
public sealed record ReportCount(string Day, string Slice, long Count);

/// <summary>A segment's daily counts from one day to another, by day and slice.</summary>
public sealed record ReportResponse(string Segment, string By, string From, string To, IReadOnlyList<ReportCount> Counts);

/// <summary>The daily membership report of a segment; the tenant is always the caller's.</summary>
public sealed class ReportHandlers(SegmentCatalog catalog, IReportStore reports, TimeProvider time)
{
    /// <summary>The longest range one request reads (days).</summary>
    public const int MaxDays = 366;

    private static readonly Dictionary<string, Slicing> Slicings = new(StringComparer.Ordinal)
    {
        ["total"] = Slicing.Total,
        ["country"] = Slicing.Country,
        ["client"] = Slicing.Client,
        ["list"] = Slicing.List,
    };

    /// <summary><c>from</c> and <c>to</c> are days (default: the 30 days to today), <c>by</c> is total (default), country, client or list.</summary>
    public async Task<IResult> GetAsync(CallerTenant tenant, string id, string? from, string? to, string? by, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), "segment", id) is { } unknown)
        {
            return unknown;
        }
        var errors = new List<ValidationError>();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var last = Day(to, "$.to", errors) ?? today;
        var first = Day(from, "$.from", errors) ?? (last.DayNumber >= 29 ? last.AddDays(-29) : DateOnly.MinValue);
        var slicing = Slicing.Total;
        if (by is not null && !Slicings.TryGetValue(by, out slicing))
        {
            errors.Add(new ValidationError("$.by", $"the query parameter by='{by}' is not one of {string.Join(", ", Slicings.Keys)}"));
        }
        if (errors.Count == 0 && (first > last || last.DayNumber - first.DayNumber >= MaxDays))
        {
            errors.Add(new ValidationError("$.from", $"from must not come after to, and the range must be at most {MaxDays} days"));
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        if (await catalog.GetSegmentAsync(tenant.Id, id, cancellationToken) is null)
        {
            return Problems.NotFound($"segment '{id}'");
        }
        var counts = await reports.ReadAsync(tenant.Id, id, first, last, slicing, cancellationToken);
        return TypedResults.Ok(new ReportResponse(id, by ?? "total", Format(first), Format(last),
            [.. counts.Select(c => new ReportCount(Format(c.Day), c.Slice, c.Count))]));
    }

    private static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static DateOnly? Day(string? text, string path, List<ValidationError> errors)
    {
        if (text is null)
        {
            return null;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None,
            out var day))
        {
            return day;
        }
        errors.Add(new ValidationError(path, $"'{text}' is not a day such as 2026-11-26"));
        return null;
    }
}
