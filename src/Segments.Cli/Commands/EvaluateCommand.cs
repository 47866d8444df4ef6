using System.ComponentModel;
using System.Text.Json;
using Segments.Core.Evaluation;
using Spectre.Console.Cli;

namespace Segments.Cli.Commands;

public sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : OfflineSettings
    {
        [CommandOption("--segment <ID>")]
        [Description("Evaluate only these segments, in this order (repeatable). Default: all, in the order of segments.json.")]
        public string[] Segments { get; init; } = [];
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (DataSetLoading.TryLoad(settings.Data!) is not { } data)
        {
            return ExitCodes.InvalidInput;
        }
        var ids = settings.Segments.Length > 0 ? settings.Segments : data.Definitions.Select(d => d.Id).ToArray();
        var set = new SegmentSet(data.Definitions);
        foreach (var id in ids)
        {
            if (!set.TryGet(id, out _))
            {
                return DataSetLoading.UnknownSegment(id, data);
            }
        }
        using var stdout = Console.OpenStandardOutput();
        foreach (var id in ids)
        {
            var members = set[id].Members(data.Contacts, settings.AsOfTime);
            using (var json = new Utf8JsonWriter(stdout))
            {
                json.WriteStartObject();
                json.WriteString("segment", id);
                json.WriteNumber("count", members.Count);
                json.WriteStartArray("members");
                members.ForEach(json.WriteStringValue);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            stdout.WriteByte((byte)'\n');
        }
        return ExitCodes.Ok;
    }
}
