using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Segments.Core.Ingestion;

namespace Segments.Api.Ingestion;

/// <summary>Section <c>Segments:Ingestion</c>: limits, and where geography comes from (an edge header or a MaxMind database, or neither).</summary>
public sealed class IngestionOptions
{
    public const string Section = "Segments:Ingestion";

    public IngestionLimits Limits { get; set; } = new();

    /// <summary>Headers set by a trusted edge (<c>GeoHeaders:Country</c>, <c>:Region</c>, <c>:City</c>).</summary>
    public GeoHeaderNames GeoHeaders { get; set; } = new();

    /// <summary>A GeoIP2/GeoLite2 City or Country <c>.mmdb</c> file; none is bundled.</summary>
    public string? MaxMindDatabase { get; set; }
}

/// <summary>Checked at start-up, so a wrong limit or a missing database stops the app instead of failing hits.</summary>
public sealed class IngestionOptionsValidation : IValidateOptions<IngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestionOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options.Limits, new ValidationContext(options.Limits), results, validateAllProperties: true);
        var problems = results.Select(r => $"{IngestionOptions.Section}:Limits: {r.ErrorMessage}").ToList();
        if (options.GeoHeaders.Any && options.MaxMindDatabase is not null)
        {
            problems.Add($"{IngestionOptions.Section}: configure GeoHeaders or MaxMindDatabase, not both");
        }
        if (options.MaxMindDatabase is { } database && !File.Exists(database))
        {
            problems.Add($"{IngestionOptions.Section}:MaxMindDatabase: no file at '{database}'");
        }
        return problems.Count > 0 ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
