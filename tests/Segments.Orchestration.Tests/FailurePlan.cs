using System.Runtime.CompilerServices;
using Segments.Core.Audience;
using Segments.Core.Ports;
using Segments.Engine.Documents;
using Segments.Engine.PushDown;
using Segments.TestSupport.Stores;

namespace Segments.Orchestration.Tests;

/// <summary>
/// Seeded random failures: each attempt at a piece of work fails with probability <paramref name="probability"/>,
/// but the same piece fails at most <paramref name="maxPerKey"/> times, so that the retries always get through.
/// </summary>
public sealed class FailurePlan(int seed, double probability, int maxPerKey = 2)
{
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, int> _failures = [];
    private readonly Lock _lock = new();

    public int Injected { get; private set; }

    public bool ShouldFail(string key)
    {
        lock (_lock)
        {
            var failed = _failures.GetValueOrDefault(key);
            if (failed >= maxPerKey || _random.NextDouble() >= probability)
            {
                return false;
            }
            _failures[key] = failed + 1;
            Injected++;
            return true;
        }
    }
}

public sealed class InjectedFailureException(string what) : Exception($"injected failure: {what}");

/// <summary>A store whose scans break off part-way through, as a connection that drops would.</summary>
public sealed class FlakyContactStore(IContactStore inner, FailurePlan plan) : DelegatingContactStore(inner)
{
    public override Task<IReadOnlyList<string>> ListPartitionsAsync(string tenant, CancellationToken cancellationToken = default) =>
        plan.ShouldFail("list") ? throw new InjectedFailureException("listing partitions") : Inner.ListPartitionsAsync(tenant, cancellationToken);

    public override async IAsyncEnumerable<ContactDocument> ScanAsync(string tenant, string partition, PushDownCondition? pushDown = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var breakOff = plan.ShouldFail($"scan {partition}");
        var n = 0;
        await foreach (var contact in Inner.ScanAsync(tenant, partition, pushDown, cancellationToken))
        {
            if (breakOff && ++n > 3)
            {
                throw new InjectedFailureException($"scanning {partition}");
            }
            yield return contact;
        }
        if (breakOff)
        {
            throw new InjectedFailureException($"scanning {partition}");
        }
    }
}

/// <summary>A sink that sometimes dies after writing a wrong part (half of it) in place of the right one.</summary>
public sealed class FlakyAudienceSink(IAudienceSink inner, FailurePlan plan) : IAudienceSink
{
    public async Task WritePartAsync(AudienceAddress address, string part, IReadOnlyList<Recipient> recipients,
        CancellationToken cancellationToken = default)
    {
        if (plan.ShouldFail($"write {part}"))
        {
            await inner.WritePartAsync(address, part, [.. recipients.Take(recipients.Count / 2)], cancellationToken);
            throw new InjectedFailureException($"writing {part}");
        }
        await inner.WritePartAsync(address, part, recipients, cancellationToken);
    }

    public Task WriteManifestAsync(AudienceAddress address, AudienceManifest manifest, CancellationToken cancellationToken = default) =>
        plan.ShouldFail("manifest")
            ? throw new InjectedFailureException("writing the manifest")
            : inner.WriteManifestAsync(address, manifest, cancellationToken);

    public Task<AudienceManifest?> ReadManifestAsync(AudienceAddress address, CancellationToken cancellationToken = default) =>
        inner.ReadManifestAsync(address, cancellationToken);

    public Task<Stream> OpenPartAsync(AudienceAddress address, string part, CancellationToken cancellationToken = default) =>
        inner.OpenPartAsync(address, part, cancellationToken);

    public Task ClearAsync(AudienceAddress address, CancellationToken cancellationToken = default) => inner.ClearAsync(address, cancellationToken);
}
