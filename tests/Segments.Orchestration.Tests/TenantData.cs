using System.Text.Json;
using System.Text.Json.Nodes;
using Segments.Core.Audience;
using Segments.Core.Catalog;
using Segments.Core.Ports;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Model;
using Segments.Engine.Offline;
using Segments.TestSupport.Reference;

namespace Segments.Orchestration.Tests;

/// <summary>
/// A tenant's data set (folded contacts, definitions as saved JSON, suppressions), and the stores it is put into
/// the way the API would: definitions through the catalog's rules, contacts as documents, suppressions as facts.
/// </summary>
public sealed record TenantData(DataSet Data, IReadOnlyList<JsonElement> Definitions, IReadOnlyList<Suppression> Suppressions, DateTimeOffset AsOf)
{
    public const string Tenant = "tenant-a";

    public static string SeedFolder => Path.Combine(AppContext.BaseDirectory, "data", "seed-audiences");

    /// <summary>The example data set of the language document.</summary>
    public static TenantData Seed()
    {
        var data = DataSet.Load(SeedFolder);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SeedFolder, "segments.json")));
        return new TenantData(data, [.. json.RootElement.EnumerateArray().Select(e => e.Clone())], [.. data.Suppressions.SelectMany(g => g)],
            DateTimeOffset.Parse("2026-11-26T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A seeded random data set, with explicit suppressions of every reason for about a tenth of the contacts.</summary>
    public static TenantData Random(int seed, int contacts = 200, int definitions = 30)
    {
        var generated = RandomDataSet.Generate(seed, contacts, definitions);
        var data = RandomDataSets.Load(generated);
        var random = new Random(seed);
        var reasons = Enum.GetValues<SuppressionReason>();
        var suppressions = data.Contacts
            .Where(_ => random.Next(10) == 0)
            .Select(c => new Suppression(c.Id, reasons[random.Next(reasons.Length)], generated.AsOf.AddDays(random.Next(-30, 30))))
            .ToList();
        return new TenantData(data, [.. generated.Definitions.Select(d => JsonSerializer.SerializeToElement<JsonNode>(d))], suppressions,
            generated.AsOf);
    }

    /// <summary>What <c>segments resolve</c> computes for the send: the offline resolver over every contact.</summary>
    public AudiencePart Offline(string segment, string? list, DateTimeOffset asOf)
    {
        var explicitSuppressions = Suppressions.ToLookup(s => s.ContactId, StringComparer.Ordinal);
        return AudienceResolver.Resolve(new SegmentSet(Data.Definitions)[segment], Data.Contacts, id => explicitSuppressions[id], list, asOf);
    }

    /// <summary>The segment with the most members at <see cref="AsOf"/> (ties: the first in order), so a test resolves something.</summary>
    public string LargestSegment()
    {
        var set = new SegmentSet(Data.Definitions);
        return Data.Definitions.Select(d => d.Id).MaxBy(id => set[id].Members(Data.Contacts, AsOf).Count)!;
    }

    public async Task SaveAsync(ICatalogStore catalog, IContactStore contacts, ISuppressionStore suppressions)
    {
        var segments = new SegmentCatalog(catalog);
        Assert.True((await segments.SetSchemaAsync(Tenant, Data.Schema)).Succeeded);
        foreach (var definition in Definitions)
        {
            var saved = await segments.SaveSegmentAsync(Tenant, definition, ifMatch: null);
            Assert.True(saved.Succeeded, string.Join("; ", saved.Errors));
        }
        foreach (var contact in Data.Contacts)
        {
            // A stored copy, as a real store would hand back (never the instance the data set evaluates).
            await contacts.WriteAsync(Tenant, ContactDocumentJson.Deserialize(ContactDocumentJson.Serialize(contact)), ifMatch: null);
        }
        await suppressions.AddAsync(Tenant, Suppressions);
    }
}
