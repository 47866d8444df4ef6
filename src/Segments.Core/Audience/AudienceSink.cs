using System.Text.RegularExpressions;
using Segments.Engine.Language;

namespace Segments.Core.Audience;

/// <summary>
/// Where a broadcast's audience lives: <c>{tenant}/{broadcast}/</c> of the audience store (the <c>audiences</c> folder
/// of the data folder, or the <c>audiences</c> blob container), so <c>audiences/{tenant}/{broadcast}/</c>, holding one
/// <c>part-NNNNN.ndjson</c> per contact partition and <c>manifest.json</c>, written last. Tenant and broadcast ids
/// have the shape of segment ids, so they are safe as blob names and folder names alike.
/// </summary>
public sealed partial record AudienceAddress
{
    public const string ManifestName = "manifest.json";

    public AudienceAddress(string tenant, string broadcast)
    {
        Tenant = Checked(tenant, nameof(tenant));
        Broadcast = Checked(broadcast, nameof(broadcast));
    }

    public string Tenant { get; }

    public string Broadcast { get; }

    /// <summary>The folder (blob name prefix) of this audience within the audience store, without a trailing slash.</summary>
    public string Folder => $"{Tenant}/{Broadcast}";

    /// <summary>The name of the part of the partition at <paramref name="index"/> in the store's list of partitions.</summary>
    public static string PartName(int index) => $"part-{index:D5}.ndjson";

    /// <summary>Whether <paramref name="name"/> is a part or the manifest (a sink opens nothing else).</summary>
    public static bool IsFileName(string name) => name == ManifestName || PartShape().IsMatch(name);

    public override string ToString() => $"audiences/{Folder}";

    private static string Checked(string id, string name) =>
        DefinitionParser.IdShape().IsMatch(id) ? id : throw new ArgumentException($"'{id}' is not an id (lower-case letters, digits, dashes)", name);

    [GeneratedRegex("^part-[0-9]{5}\\.ndjson\\z", RegexOptions.CultureInvariant)]
    private static partial Regex PartShape();
}
