using System.Text.Json;
using MathNet.Numerics.Distributions;
using Segments.Core.Catalog;
using Segments.Core.Ports;
using Segments.Engine.Documents;
using Segments.Engine.Model;
using Segments.TestSupport.Stores;

namespace Segments.Core.Tests.Catalog;

/// <summary>
/// Counts of unsaved definitions: exact over small tenants and on request; over large ones an estimate from the estimation
/// sample whose interval holds the exact count, and an interval whose coverage is at least its confidence.
/// </summary>
public class SegmentPreviewTests
{
    private const string Tenant = "t1";
    private static readonly DateTimeOffset AsOf = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static async Task<(SegmentPreview Preview, SegmentCatalog Catalog)> TenantAsync(int contacts)
    {
        var catalog = new SegmentCatalog(new InMemoryCatalogStore());
        Assert.True((await catalog.SetSchemaAsync(Tenant, new FieldSchema(new Dictionary<string, FieldType> { ["n"] = FieldType.Number }))).Succeeded);
        var store = new InMemoryContactStore();
        for (var i = 0; i < contacts; i++)
        {
            var contact = new ContactDocument($"c{i}").WithProfile(new ContactProfile { Id = $"c{i}", Fields = new PropertyBag([new("n", ScalarValue.OfNumber(i))]) });
            await store.WriteAsync(Tenant, contact, ifMatch: null);
        }
        return (new SegmentPreview(catalog, store), catalog);
    }

    private static async Task<Engine.Evaluation.CompiledSegment> DraftAsync(SegmentCatalog catalog, string match) =>
        (await catalog.CompileDraftAsync(Tenant, JsonDocument.Parse($$"""{"id":"draft","name":"Draft","match":{{match}}}""").RootElement)).Value!;

    [Fact]
    public async Task Over_a_large_tenant_the_estimate_s_interval_holds_the_exact_count()
    {
        var (preview, catalog) = await TenantAsync(120_000);
        foreach (var match in new[]
        {
            """{"field":{"name":"n","op":"lt","value":30000}}""", """{"field":{"name":"n","op":"exists"}}""",
            """{"field":{"name":"n","op":"between","value":[1000,1400]}}""", """{"field":{"name":"n","op":"lt","value":0}}""",
        })
        {
            var segment = await DraftAsync(catalog, match);

            var estimate = await preview.CountAsync(Tenant, segment, AsOf, sample: 5, exact: false);
            var exact = await preview.CountAsync(Tenant, segment, AsOf, sample: 5, exact: true);

            Assert.Null(exact.Estimate);
            var interval = estimate.Estimate!;
            Assert.InRange(exact.Count, interval.Low, interval.High);
            Assert.InRange(estimate.Count, interval.Low, interval.High);
            Assert.InRange(interval.Sampled, 1000, 1400);
            Assert.Equal(0.95, interval.Confidence);
            Assert.All(estimate.Sample, id => Assert.True(EstimationSample.Contains(id)));
            Assert.Equal(Math.Min(5, interval.Members), estimate.Sample.Count);
        }
    }

    [Fact]
    public async Task A_small_tenant_is_counted_exactly_even_when_an_estimate_would_do()
    {
        var (preview, catalog) = await TenantAsync(5_000);
        var result = await preview.CountAsync(Tenant, await DraftAsync(catalog, """{"field":{"name":"n","op":"lt","value":1234}}"""), AsOf, 3, exact: false);

        Assert.Null(result.Estimate);
        Assert.Equal(1234, result.Count);
        Assert.Equal(["c0", "c1", "c10"], result.Sample);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(700)]
    [InlineData(5_000)]
    public void The_interval_holds_the_true_count_at_least_as_often_as_its_confidence(int members)
    {
        var random = new Random(members);
        const int trials = 4000;
        var held = 0;
        for (var trial = 0; trial < trials; trial++)
        {
            // Each member is in the sample on its own with the sample's rate.
            var seen = members == 0 ? 0 : Binomial.Sample(random, EstimationSample.Rate, members);
            var interval = SegmentPreview.Interval(seen, sampled: 10_000);
            held += interval.Low <= members && members <= interval.High ? 1 : 0;
        }

        Assert.True(held >= 0.945 * trials, $"{held} of {trials} intervals held {members}");
    }
}
