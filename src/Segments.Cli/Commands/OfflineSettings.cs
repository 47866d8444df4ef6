using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Segments.Cli.Commands;

/// <summary>Options shared by the commands that read an offline data set.</summary>
public class OfflineSettings : CommandSettings
{
    [CommandOption("--data <DIR>")]
    [Description("The data set folder: schema.json, contacts.jsonl, events.jsonl, segments.json, suppressions.jsonl.")]
    public string? Data { get; init; }

    [CommandOption("--as-of <TIME>")]
    [Description("The evaluation time T, an RFC 3339 date-time such as 2026-11-26T12:00:00Z.")]
    public string? AsOf { get; init; }

    public DateTimeOffset AsOfTime =>
        DateTimeOffset.Parse(AsOf!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();

    public override ValidationResult Validate()
    {
        if (string.IsNullOrEmpty(Data))
        {
            return ValidationResult.Error("--data: the data set folder is required");
        }
        if (!Directory.Exists(Data))
        {
            return ValidationResult.Error($"--data: folder '{Data}' does not exist");
        }
        if (string.IsNullOrEmpty(AsOf))
        {
            return ValidationResult.Error("--as-of: the evaluation time is required, such as 2026-11-26T12:00:00Z");
        }
        if (!Engine.Model.DateValue.TryParse(AsOf, out var date) || date.IsDay)
        {
            return ValidationResult.Error($"--as-of: '{AsOf}' is not an RFC 3339 date-time such as 2026-11-26T12:00:00Z");
        }
        return ValidationResult.Success();
    }
}
