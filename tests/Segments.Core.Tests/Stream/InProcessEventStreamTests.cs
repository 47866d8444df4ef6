using System.Text;
using Segments.Core.Documents;
using Segments.Core.Ports;
using Segments.Core.Streaming;

namespace Segments.Core.Tests.Stream;

public class InProcessEventStreamTests
{
    [Fact]
    public async Task Published_events_are_folded_once_each_when_the_stream_completes()
    {
        var store = new InMemoryContactStore();
        var stream = new InProcessEventStream(partitions: 3, capacityPerPartition: 16);
        var folder = new StreamFolder(store, new InMemoryDeadLetterStore(), new ContactFolder(new FoldOptions()), TimeProvider.System);
        var events = StreamEvents.Generate(seed: 6, count: 500, contacts: 20);
        var consuming = stream.RunAsync(folder, TimeProvider.System, maxBatchSize: 32);

        await stream.PublishAsync([.. events.Concat(events.Take(50)).Select(e => new OutgoingEvent("t1", ContactOf(e), Encoding.UTF8.GetBytes(e)))]);
        stream.Complete();
        await consuming.WaitAsync(TimeSpan.FromSeconds(30));

        var folded = 0;
        foreach (var partition in await store.ListPartitionsAsync("t1"))
        {
            await foreach (var d in store.ScanAsync("t1", partition))
            {
                folded += d.Events.Length;
            }
        }
        Assert.Equal(500, folded);
    }

    [Fact]
    public async Task A_failing_batch_is_retried_until_folded_never_skipped()
    {
        var stream = new InProcessEventStream(partitions: 1);
        var handler = new FlakyHandler(failures: 2);
        var consuming = stream.RunAsync(handler, TimeProvider.System);

        await stream.PublishAsync([new OutgoingEvent("t1", "c1", Encoding.UTF8.GetBytes("{}"))]);
        stream.Complete();
        await consuming.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, handler.Calls);
        Assert.Single(handler.Folded);
    }

    private static string ContactOf(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("contactId").GetString()!;

    private sealed class FlakyHandler(int failures) : IStreamBatchHandler
    {
        public int Calls { get; private set; }

        public List<StreamMessage> Folded { get; } = [];

        public Task<StreamFoldResult> HandleAsync(IReadOnlyList<StreamMessage> batch, CancellationToken cancellationToken = default)
        {
            if (++Calls <= failures)
            {
                throw new IOException("store unavailable");
            }
            Folded.AddRange(batch);
            return Task.FromResult(StreamFoldResult.Empty);
        }
    }
}
