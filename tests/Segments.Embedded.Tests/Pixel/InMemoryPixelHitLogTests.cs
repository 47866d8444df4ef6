using Segments.Core.Ports;
using Segments.Embedded.Pixel;
using Segments.TestSupport.Contracts;

namespace Segments.Embedded.Tests.Pixel;

public sealed class InMemoryPixelHitLogTests : PixelHitLogContract
{
    protected override Task<IPixelHitLog> CreateAsync() => Task.FromResult<IPixelHitLog>(new InMemoryPixelHitLog());
}
