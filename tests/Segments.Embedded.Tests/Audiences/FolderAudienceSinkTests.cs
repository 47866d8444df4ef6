using Segments.Core.Audience;
using Segments.Embedded.Audiences;

namespace Segments.Embedded.Tests.Audiences;

public sealed class FolderAudienceSinkTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("segments-audiences-").FullName;

    private string Audiences => Path.Combine(_data, "audiences");

    [Fact]
    public async Task An_audience_is_written_under_audiences_tenant_broadcast_as_in_the_blob_container()
    {
        var sink = FolderAudienceSink.Open(Audiences);
        var address = new AudienceAddress("demo", "b1");

        await sink.WritePartAsync(address, AudienceAddress.PartName(0), [new Recipient("c1", "ana@example.com")]);

        Assert.True(File.Exists(Path.Combine(_data, "audiences", "demo", "b1", "part-00000.ndjson")));
        Assert.Equal(["demo"], Directory.GetDirectories(Audiences).Select(Path.GetFileName));
        Assert.Equal("audiences/demo/b1", address.ToString());
    }

    [Fact]
    public async Task Audiences_of_the_earlier_nested_layout_are_moved_up_and_a_tenant_named_audiences_stays()
    {
        var nested = Path.Combine(Audiences, "audiences", "demo", "b1");
        Directory.CreateDirectory(nested);
        await File.WriteAllTextAsync(Path.Combine(nested, "part-00000.ndjson"), "{}\n");
        // The new layout's tenant "audiences", whose broadcast folder holds files: not a tenant folder of the old one.
        var tenantAudiences = Path.Combine(Audiences, "audiences", "b2");
        Directory.CreateDirectory(tenantAudiences);
        await File.WriteAllTextAsync(Path.Combine(tenantAudiences, "manifest.json"), "{}");

        var sink = FolderAudienceSink.Open(Audiences);

        Assert.True(File.Exists(Path.Combine(Audiences, "demo", "b1", "part-00000.ndjson")));
        Assert.True(File.Exists(Path.Combine(Audiences, "audiences", "b2", "manifest.json")));
        await using var part = await sink.OpenPartAsync(new AudienceAddress("demo", "b1"), "part-00000.ndjson");
        Assert.Equal("{}\n", await new StreamReader(part).ReadToEndAsync());
    }

    [Fact]
    public async Task Retention_removes_a_tenants_audiences_resolved_before_the_cutoff_and_keeps_unfinished_ones_and_other_tenants()
    {
        var sink = FolderAudienceSink.Open(Audiences);
        var cutoff = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var (tenant, broadcast, written) in new[] { ("demo", "old", cutoff.AddDays(-1)), ("demo", "new", cutoff.AddDays(1)), ("other", "old", cutoff.AddDays(-1)) })
        {
            var address = new AudienceAddress(tenant, broadcast);
            await sink.WritePartAsync(address, AudienceAddress.PartName(0), [new Recipient("c1", "ana@example.com")]);
            await sink.WriteManifestAsync(address, AudienceManifest.From("vip", cutoff, null, new AudienceTally(), [AudienceAddress.PartName(0)]));
            File.SetLastWriteTimeUtc(Path.Combine(Audiences, tenant, broadcast, AudienceAddress.ManifestName), written.UtcDateTime);
        }
        var unfinished = new AudienceAddress("demo", "writing");
        await sink.WritePartAsync(unfinished, AudienceAddress.PartName(0), [new Recipient("c2", "bo@example.com")]);
        File.SetLastWriteTimeUtc(Path.Combine(Audiences, "demo", "writing", AudienceAddress.PartName(0)), cutoff.AddDays(-30).UtcDateTime);

        var removed = sink.RemoveResolvedBefore("demo", cutoff);

        Assert.Equal(["old"], removed);
        Assert.Null(await sink.ReadManifestAsync(new AudienceAddress("demo", "old")));
        Assert.NotNull(await sink.ReadManifestAsync(new AudienceAddress("demo", "new")));
        Assert.NotNull(await sink.ReadManifestAsync(new AudienceAddress("other", "old")));
        Assert.True(File.Exists(Path.Combine(Audiences, "demo", "writing", AudienceAddress.PartName(0))));
        Assert.Empty(sink.RemoveResolvedBefore("nobody", cutoff));
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
