using Xunit;

namespace Segments.TestSupport.Emulators;

/// <summary>xunit adapter of <see cref="LocalEmulators"/>: started before the collection's first test, stopped after its last.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private LocalEmulators? _emulators;

    public LocalEmulators Emulators =>
        _emulators ?? throw new InvalidOperationException("The emulators are not started yet.");

    public async Task InitializeAsync() => _emulators = await LocalEmulators.StartAsync();

    public async Task DisposeAsync()
    {
        if (_emulators is not null)
        {
            await _emulators.DisposeAsync();
        }
    }
}
