using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Segments.Core.Catalog;
using Segments.Core.Contacts;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Embedded.Streaming;
using Segments.Engine.Input;
using Segments.Engine.Model;
using Segments.Engine.Synthetic;

namespace Segments.Cli.Demo;

/// <summary>
/// Fills a tenant with the synthetic tenant's contacts through the ingestion path the API uses (profile upserts
/// into the contact store, events through the event stream and its fold), and defines the example segments.
/// </summary>
internal sealed class DemoSeeder(IServiceProvider services)
{
    private const int Chunk = 2_000;

    public async Task SeedAsync(string tenant, int contacts, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<SegmentCatalog>();
        var store = services.GetRequiredService<IContactStore>();
        var publisher = services.GetRequiredService<IEventPublisher>();
        var time = services.GetRequiredService<TimeProvider>();
        var synthetic = new SyntheticTenant(seed: 7, time.GetUtcNow());

        await catalog.SetSchemaAsync(tenant, SyntheticTenant.Schema, cancellationToken);
        foreach (var definition in SeedSegments())
        {
            var saved = await catalog.SaveSegmentAsync(tenant, definition, null, cancellationToken);
            if (saved.Errors.Count > 0)
            {
                throw new InvalidOperationException($"example segment refused: {string.Join("; ", saved.Errors)}");
            }
        }

        await SeedProgress.RunAsync(async progress =>
        {
            var ingest = progress.Start($"Ingesting {contacts:N0} contacts", contacts);
            // Pipelined: the next chunk's profiles are upserted while this chunk's events are published and folded
            // (other contacts, so the two never race for a document).
            var chunks = Enumerable.Range(0, (contacts + Chunk - 1) / Chunk)
                .Select(c => Enumerable.Range(c * Chunk, Math.Min(Chunk, contacts - (c * Chunk))));
            Task<List<(ContactProfile Profile, List<ContactEvent> Events)>>? upserting = null;
            foreach (var chunk in chunks.Append([]))
            {
                var generated = chunk.Select(i =>
                {
                    var profile = synthetic.Profile(i);
                    return (Profile: profile, Events: synthetic.Events(profile.Id));
                }).ToList();
                var previous = upserting is null ? null : await upserting;
                upserting = UpsertAsync(store, tenant, generated, cancellationToken);
                if (previous is not null)
                {
                    await publisher.PublishAsync(
                        [.. previous.SelectMany(c => c.Events).Select(e => new OutgoingEvent(tenant, e.ContactId, EventWriter.ToUtf8(e)))], cancellationToken);
                    ingest.Advance(previous.Count);
                }
            }
            await upserting!;
            ingest.Done();
            var fold = progress.Start("Folding events into contact documents", total: null);
            if (publisher is EventLog log)
            {
                await log.WaitUntilFoldedAsync(time, cancellationToken);
            }
            fold.Done();
        });
    }

    private static async Task<List<(ContactProfile Profile, List<ContactEvent> Events)>> UpsertAsync(IContactStore store, string tenant,
        List<(ContactProfile Profile, List<ContactEvent> Events)> contacts, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(contacts, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (contact, ct) => await ContactProfiles.UpsertAsync(store, tenant, contact.Profile, cancellationToken: ct));
        return contacts;
    }

    /// <summary>
    /// The example segments of the language document, then those a marketer would write with version 2: tags, the
    /// last cart, a 50/50 split, a holdout, engagement with and without machine opens.
    /// </summary>
    public static IReadOnlyList<JsonElement> SeedSegments() => [.. Resource("seed-segments.json"), .. Resource("v2-segments.json")];

    private static IEnumerable<JsonElement> Resource(string name)
    {
        using var stream = typeof(DemoSeeder).Assembly.GetManifestResourceStream(name)!;
        using var json = JsonDocument.Parse(stream);
        return [.. json.RootElement.EnumerateArray().Select(d => d.Clone())];
    }
}
