using Xunit;

namespace Segments.TestSupport.Emulators;

/// <summary>
/// Integration tests marked [Collection(EmulatorCollection.Name)] share one <see cref="EmulatorFixture"/>
/// per test assembly.
/// </summary>
/// <remarks>
/// xunit finds collection definitions only in the test assembly itself, so this file is not
/// compiled into Segments.TestSupport: each test project links it in with
/// <c>&lt;Compile Include="..\Segments.TestSupport\Emulators\EmulatorCollection.cs" Link="Emulators\EmulatorCollection.cs" /&gt;</c>.
/// </remarks>
[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "Emulators";
}
