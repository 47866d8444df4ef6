using CsCheck;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Offline;
using Segments.Engine.Scan;

namespace Segments.Engine.Tests.Scan;

/// <summary>
/// The scan form is derived state: evaluated over it, every definition gives the document evaluation's verdict for
/// every contact at every time, whatever the data (v1 and v2), the partitioning and the horizon.
/// </summary>
public class ScanFormTests
{
    private static readonly string SeedFolder = Path.Combine(AppContext.BaseDirectory, "data", "seed-audiences");
    private static readonly DateTimeOffset SeedAsOf = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void On_random_data_scan_form_evaluation_gives_the_document_verdict_for_every_segment_contact_and_time()
    {
        // Horizons: the whole span (nothing compacted), and short ones that compact most of the history into totals.
        Gen.Select(Gen.Int[1, 1_000_000], Gen.Int[0, 2].Select(i => new[] { 3650, 120, 20 }[i]), Gen.Int[1, 3]).Sample((seed, horizonDays, partitions) =>
        {
            var data = RandomDataSet.Generate(seed, contacts: 60, definitions: 30);
            var folder = RandomDataSets.Write(data);
            DataSet loaded;
            try
            {
                loaded = DataSet.Load(folder, new FoldOptions { Horizon = TimeSpan.FromDays(horizonDays) });
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
            var documents = new SegmentSet(loaded.Definitions);
            var scan = new ScanSegmentSet(loaded.Definitions);
            var forms = loaded.Contacts.Select((c, i) => (c, i)).GroupBy(x => x.i % partitions, x => x.c)
                .Select(g => (Contacts: g.ToArray(), Form: ScanForm.Build(g.ToArray()))).ToArray();
            foreach (var at in Times(seed, data.AsOf, loaded.Contacts))
            {
                var asOf = new AsOf(at);
                foreach (var definition in loaded.Definitions)
                {
                    foreach (var (contacts, form) in forms)
                    {
                        var query = scan[definition.Id].Bind(form, asOf);
                        for (var c = 0; c < contacts.Length; c++)
                        {
                            Assert.True(documents[definition.Id].Matches(contacts[c], asOf) == query.Matches(c),
                                $"seed {seed}, horizon {horizonDays} d, {definition.Id}, contact {contacts[c].Id} at {at:O}");
                        }
                    }
                }
            }
        }, iter: 12);
    }

    [Fact]
    public void A_form_larger_than_the_builder_s_chunks_gives_the_document_verdict_for_every_contact()
    {
        // 4,200 contacts and their events cross the 4,096-item chunks the builder grows in; fields met first late in
        // the partition get a column missing for the contacts before.
        var data = RandomDataSet.Generate(seed: 20, contacts: 4_200, definitions: 6);
        var folder = RandomDataSets.Write(data);
        DataSet loaded;
        try
        {
            loaded = DataSet.Load(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        var documents = new SegmentSet(loaded.Definitions);
        var scan = new ScanSegmentSet(loaded.Definitions);
        var form = ScanForm.Build(loaded.Contacts);
        Assert.Equal(loaded.Contacts.Select(c => c.Id), Enumerable.Range(0, form.Count).Select(form.Id));
        var asOf = new AsOf(data.AsOf);
        foreach (var definition in loaded.Definitions)
        {
            var query = scan[definition.Id].Bind(form, asOf);
            for (var c = 0; c < form.Count; c++)
            {
                Assert.True(documents[definition.Id].Matches(loaded.Contacts[c], asOf) == query.Matches(c), $"{definition.Id}, contact {loaded.Contacts[c].Id}");
            }
        }
    }

    [Fact]
    public void Chunked_keeps_every_item_in_order_across_chunks()
    {
        var chunked = new Chunked<int>();
        Assert.Empty(chunked.ToArray());
        for (var i = 0; i < 10_000; i++)
        {
            chunked.Add(i * 3);
        }
        chunked.AddRange([-1, -2]);
        var expected = Enumerable.Range(0, 10_000).Select(i => i * 3).Append(-1).Append(-2).ToArray();
        Assert.Equal(expected.Length, chunked.Count);
        Assert.Equal(expected, chunked.ToArray());
        Assert.Equal(expected, Enumerable.Range(0, chunked.Count).Select(i => chunked[i]));
    }

    [Fact]
    public void Seed_audiences_on_the_scan_form_have_the_document_members()
    {
        var data = DataSet.Load(SeedFolder);
        var documents = new SegmentSet(data.Definitions);
        var scan = new ScanSegmentSet(data.Definitions);
        var form = ScanForm.Build(data.Contacts);
        foreach (var definition in data.Definitions)
        {
            var expected = documents[definition.Id].Members(data.Contacts, SeedAsOf);
            Assert.Equal(expected, scan[definition.Id].Members(form, SeedAsOf));
            Assert.Equal(expected.Count, scan[definition.Id].Count(form, new AsOf(SeedAsOf)));
        }
    }

    [Fact]
    public void The_form_keeps_contact_ids_and_every_event_s_time_to_the_tick_and_content_newest_first_in_its_streams()
    {
        var data = DataSet.Load(SeedFolder);
        var form = ScanForm.Build(data.Contacts);
        Assert.Equal(data.Contacts.Select(c => c.Id), Enumerable.Range(0, form.Count).Select(form.Id));
        for (var c = 0; c < form.Count; c++)
        {
            for (var stream = 0; stream < ScanStream.Count; stream++)
            {
                var times = new List<long>();
                var contents = new List<EventInfo>();
                var cursor = new EventCursor(form, c, stream);
                while (cursor.Next())
                {
                    times.Add(cursor.At);
                    contents.Add(form.Contents[cursor.Content]);
                }
                var events = data.Contacts[c].Events.Reverse()
                    .Where(e => stream == ScanStream.Context ? e.Info.Geo is not null || e.Info.Device is not null : stream == (int)e.Info.Kind).ToArray();
                Assert.Equal(events.Select(e => e.At), times);
                Assert.Equal(events.Select(e => e.Info), contents);
            }
        }
    }

    /// <summary>T itself, a month and a half back, half a second on, and instants on and beside event times.</summary>
    private static IEnumerable<DateTimeOffset> Times(int seed, DateTimeOffset asOf, IReadOnlyList<ContactDocument> contacts)
    {
        yield return asOf;
        yield return asOf.AddDays(-45);
        yield return asOf.AddSeconds(0.5);
        var random = new Random(seed);
        var times = contacts.SelectMany(c => c.Events.Select(e => e.At)).ToArray();
        for (var k = 0; k < 3 && times.Length > 0; k++)
        {
            yield return new DateTimeOffset(times[random.Next(times.Length)] + random.Next(-1, 2), TimeSpan.Zero);
        }
    }
}
