using Segments.Core.Streaming;

namespace Segments.TestSupport.Contracts;

/// <summary>
/// A stream source whose process dies between folding a batch and checkpointing it, every
/// <c>crashEvery</c>-th batch (once per batch): the restarted source resumes from the last checkpoint, so it
/// delivers that batch again.
/// </summary>
public sealed class CrashingSource(IReadOnlyList<StreamMessage> messages, int batchSize, int crashEvery)
{
    private int _checkpoint;
    private int _lastCrashAt = -1;

    public int Crashes { get; private set; }

    public async Task RunToEndAsync(IStreamBatchHandler handler)
    {
        while (_checkpoint < messages.Count)
        {
            try
            {
                await RunOnceAsync(handler);
            }
            catch (SimulatedCrash)
            {
                Crashes++;
            }
        }
    }

    private async Task RunOnceAsync(IStreamBatchHandler handler)
    {
        for (var next = _checkpoint; next < messages.Count; next += batchSize)
        {
            await handler.HandleAsync([.. messages.Skip(next).Take(batchSize)]);
            if ((next / batchSize) % crashEvery == crashEvery - 1 && _lastCrashAt != next)
            {
                _lastCrashAt = next;
                throw new SimulatedCrash();
            }
            _checkpoint = next + batchSize;
        }
    }

    private sealed class SimulatedCrash : Exception;
}
