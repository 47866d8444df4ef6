using System.ComponentModel;
using System.Text.Json;
using Segments.Core.Audience;
using Segments.Engine.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Segments.Cli.Commands;

public sealed class ResolveCommand : Command<ResolveCommand.Settings>
{
    public const string AudienceFile = "audience.ndjson";
    public const string ManifestFile = "manifest.json";

    public sealed class Settings : OfflineSettings
    {
        [CommandOption("--segment <ID>")]
        [Description("The segment to send to.")]
        public string? Segment { get; init; }

        [CommandOption("--list <LIST>")]
        [Description("The list the send targets: members not subscribed to it are opted out.")]
        public string? List { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Where to write audience.ndjson and manifest.json (created if missing).")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } failed ? failed
            : string.IsNullOrEmpty(Segment) ? ValidationResult.Error("--segment: the segment to resolve is required")
            : string.IsNullOrEmpty(Out) ? ValidationResult.Error("--out: the output folder is required")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        DataSetLoading.PreferThroughput();
        if (DataSetLoading.TryOpen(settings.Data!) is not { } data)
        {
            return ExitCodes.InvalidInput;
        }
        var set = new SegmentSet(data.Definitions);
        if (!set.TryGet(settings.Segment!, out var segment))
        {
            return DataSetLoading.UnknownSegment(settings.Segment!, data);
        }
        // Contacts are decided as they are folded (on every core), and only the recipients are kept.
        var audience = new AudienceBuilder(segment, id => data.Suppressions[id], settings.List, settings.AsOfTime);
        data.Fold((_, contact) =>
        {
            lock (audience)
            {
                audience.Add(contact);
            }
        });
        DataSetLoading.PrintWarnings(data);
        var part = audience.Build();
        var manifest = AudienceManifest.From(settings.Segment!, settings.AsOfTime, settings.List, part.Tally, [AudienceFile]);

        // Each file is written under a temporary name and moved into place, the manifest last: a reader
        // never sees a partial file, and a manifest always describes a complete audience.
        Directory.CreateDirectory(settings.Out!);
        WriteAtomically(Path.Combine(settings.Out!, AudienceFile), stream => AudienceFormat.Write(stream, part.Recipients));
        WriteAtomically(Path.Combine(settings.Out!, ManifestFile), stream => JsonSerializer.Serialize(stream, manifest, AudienceManifest.Json));
        Console.Out.WriteLine(JsonSerializer.Serialize(manifest, AudienceManifest.Json));
        return ExitCodes.Ok;
    }

    private static void WriteAtomically(string path, Action<Stream> write)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = File.Create(temporary))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
