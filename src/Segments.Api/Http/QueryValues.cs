using System.Globalization;
using Segments.Core.Catalog;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Api.Http;

/// <summary>Query parameters taken as text, so that a bad one gets a problem naming it (<c>$.name</c>) instead of a 400 without words.</summary>
public static class QueryValues
{
    /// <summary><c>asOf</c>: an RFC 3339 date-time within <see cref="Instants"/>; null when absent.</summary>
    public static DateTimeOffset? AsOf(string? text, List<ValidationError> errors)
    {
        if (text is null)
        {
            return null;
        }
        if (Instants.Parse(text) is { } at)
        {
            return at;
        }
        errors.Add(new ValidationError("$.asOf", $"the query parameter asOf='{text}' is not {Instants.Rule}"));
        return null;
    }

    /// <summary><c>sample</c>: how many members to show, 0 to <see cref="SegmentPreview.MaxSample"/> (default <see cref="SegmentPreview.DefaultSample"/>).</summary>
    public static int Sample(string? text, List<ValidationError> errors)
    {
        if (text is null)
        {
            return SegmentPreview.DefaultSample;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size <= SegmentPreview.MaxSample)
        {
            return size;
        }
        errors.Add(new ValidationError("$.sample", $"the query parameter sample='{text}' is not a whole number from 0 to {SegmentPreview.MaxSample}"));
        return 0;
    }

    /// <summary>A flag: <c>true</c> or <c>false</c> (default false).</summary>
    public static bool Flag(string name, string? text, List<ValidationError> errors)
    {
        if (text is null)
        {
            return false;
        }
        if (bool.TryParse(text, out var flag))
        {
            return flag;
        }
        errors.Add(new ValidationError($"$.{name}", $"the query parameter {name}='{text}' is not true or false"));
        return false;
    }
}
