using System.ComponentModel;
using System.Text.Json;
using Segments.Engine.Evaluation;
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
        DataSetLoading.PreferThroughput();
        if (DataSetLoading.TryOpen(settings.Data!) is not { } data)
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

        // The members' order is known before the fold: sorted beside it, not after it on one core.
        var contactIds = new string[data.ContactCount];
        var sorting = Task.Run(() =>
        {
            for (var number = 0; number < contactIds.Length; number++)
            {
                contactIds[number] = data.ContactId(number);
            }
            var order = Enumerable.Range(0, contactIds.Length).ToArray();
            Array.Sort(contactIds.ToArray(), order, StringComparer.Ordinal);
            return order;
        });

        // Each contact is evaluated as soon as it is folded, and only its answers are kept.
        var segments = ids.Select(id => set[id]).ToArray();
        var members = segments.Select(_ => new bool[data.ContactCount]).ToArray();
        var t = new AsOf(settings.AsOfTime);
        data.Fold((number, contact) =>
        {
            for (var s = 0; s < segments.Length; s++)
            {
                members[s][number] = segments[s].Matches(contact, t);
            }
        });
        DataSetLoading.PrintWarnings(data);

        var order = sorting.Result;
        using var stdout = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
        for (var s = 0; s < segments.Length; s++)
        {
            var isMember = members[s];
            using (var json = new Utf8JsonWriter(stdout))
            {
                json.WriteStartObject();
                json.WriteString("segment", ids[s]);
                json.WriteNumber("count", isMember.Count(m => m));
                json.WriteStartArray("members");
                foreach (var number in order)
                {
                    if (isMember[number])
                    {
                        json.WriteStringValue(contactIds[number]);
                    }
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            stdout.WriteByte((byte)'\n');
        }
        return ExitCodes.Ok;
    }
}
