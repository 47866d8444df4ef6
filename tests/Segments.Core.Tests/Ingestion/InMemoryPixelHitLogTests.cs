using Segments.Core.Ports;

namespace Segments.Core.Tests.Ingestion;

public sealed class InMemoryPixelHitLogTests : PixelHitLogContract
{
    protected override Task<IPixelHitLog> CreateAsync() => Task.FromResult<IPixelHitLog>(new InMemoryPixelHitLog());
}
