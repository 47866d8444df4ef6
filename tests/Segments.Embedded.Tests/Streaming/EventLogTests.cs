using System.Text;
using CsCheck;
using Segments.Core.Streaming;
using Segments.Embedded.Streaming;

namespace Segments.Embedded.Tests.Streaming;

public sealed class EventLogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-log-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static EventLogOptions Small => new() { SegmentBytes = 1 << 16, MaxBacklog = 1_000 };

    private EventLog Open(string? folder = null, EventLogOptions? options = null) =>
        EventLog.Open(folder ?? _folder, options ?? Small, TimeProvider.System);

    private static OutgoingEvent Event(string tenant, int i, int padding = 0) =>
        new(tenant, $"c{i % 7}", Encoding.UTF8.GetBytes($$"""{"id":"e{{i}}","pad":"{{new string('x', padding)}}"}"""));

    private static async Task<List<StreamMessage>> ReadAllAsync(EventLog log, long from)
    {
        using var reader = log.Read(from);
        var all = new List<StreamMessage>();
        while (await reader.ReadAsync(100, wait: false, CancellationToken.None) is { Count: > 0 } batch)
        {
            all.AddRange(batch);
        }
        return all;
    }

    private static string Id(StreamMessage message) => Encoding.UTF8.GetString(message.Body.Span).Split('"')[3];

    [Fact]
    public async Task Published_events_read_back_in_order_with_their_tenant_and_a_position_that_names_them_after_a_reopen()
    {
        using (var log = Open())
        {
            await log.PublishAsync([Event("t1", 0), Event("t2", 1)]);
            await log.PublishAsync([Event("t1", 2)]);
        }
        using var reopened = Open();
        var read = await ReadAllAsync(reopened, 0);

        Assert.Equal(["e0", "e1", "e2"], read.Select(Id));
        Assert.Equal(["t1", "t2", "t1"], read.Select(m => m.Tenant));
        Assert.Equal(["log/0", "log/1", "log/2"], read.Select(m => m.Position));
        Assert.Equal(3, reopened.Appended);
    }

    [Fact]
    public async Task Concurrent_publishers_share_commits_and_every_acknowledged_event_is_in_the_log_once()
    {
        using var log = Open(options: new EventLogOptions { MaxBacklog = 100_000, SegmentBytes = 1 << 16 });
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (batch, _) => await log.PublishAsync([.. Enumerable.Range(batch * 10, 10).Select(i => Event("t", i, padding: 50))]));

        var read = await ReadAllAsync(log, 0);

        Assert.Equal(Enumerable.Range(0, 4000).Select(i => $"e{i}").Order(), read.Select(Id).Order());
        Assert.Equal(Enumerable.Range(0, 4000).Select(i => $"log/{i}"), read.Select(m => m.Position));
        Assert.True(Directory.GetFiles(_folder, "*.log").Length > 1, "the log rolled over to new segment files");
    }

    [Fact]
    public void A_torn_tail_of_any_length_is_cut_at_the_last_whole_record_and_appending_goes_on_after_it() =>
        Gen.Int[1, 12].Select(Gen.Int[1, 300]).Sample((records, cut) =>
        {
            var folder = Directory.CreateTempSubdirectory("segments-log-torn-").FullName;
            try
            {
                using (var log = Open(folder))
                {
                    for (var i = 0; i < records; i++)
                    {
                        log.PublishAsync([Event("t", i, padding: i * 3)]).GetAwaiter().GetResult();
                    }
                }
                var segment = Directory.GetFiles(folder, "*.log").Single();
                var whole = new FileInfo(segment).Length;
                // A crash while writing one more record: its first bytes, up to all but the last, reached the file.
                var scratch = Path.Combine(folder, "scratch");
                using (var other = Open(scratch))
                {
                    other.PublishAsync([Event("t", records, padding: 400)]).GetAwaiter().GetResult();
                }
                var record = File.ReadAllBytes(Directory.GetFiles(scratch, "*.log").Single());
                File.AppendAllBytes(segment, record.AsSpan(0, Math.Min(cut, record.Length - 1)));

                using var reopened = Open(folder);
                Assert.Equal(records, reopened.Appended);
                Assert.Equal(whole, new FileInfo(segment).Length);
                reopened.PublishAsync([Event("t", records)]).GetAwaiter().GetResult();
                var read = ReadAllAsync(reopened, 0).GetAwaiter().GetResult();
                Assert.Equal(Enumerable.Range(0, records + 1).Select(i => $"e{i}"), read.Select(Id));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }, iter: 60);

    [Fact]
    public async Task A_checkpoint_survives_a_reopen_and_the_segments_wholly_behind_it_are_deleted()
    {
        using (var log = Open())
        {
            for (var i = 0; i < 600; i++)
            {
                await log.PublishAsync([Event("t", i, padding: 200)]);
            }
            var segments = Directory.GetFiles(_folder, "*.log").Length;
            Assert.True(segments > 2);
            log.MarkFolded(500);
            log.Checkpoint(500);
            Assert.True(Directory.GetFiles(_folder, "*.log").Length < segments);
        }
        using var reopened = Open();

        Assert.Equal(500, reopened.Checkpointed);
        var rest = await ReadAllAsync(reopened, reopened.Checkpointed);
        Assert.Equal(Enumerable.Range(500, 100).Select(i => $"e{i}"), rest.Select(Id));
    }

    [Fact]
    public async Task Past_the_backlog_bound_appends_are_refused_with_a_retry_delay_until_the_fold_catches_up()
    {
        using var log = Open(options: new EventLogOptions { MaxBacklog = 1_000 });
        await log.PublishAsync([.. Enumerable.Range(0, 995).Select(i => Event("t", i))]);

        var full = await Assert.ThrowsAsync<StreamFullException>(() => log.PublishAsync([.. Enumerable.Range(995, 10).Select(i => Event("t", i))]));
        Assert.Equal(995, full.Backlog);
        Assert.InRange(full.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal(995, log.Appended);

        log.MarkFolded(500);
        await log.PublishAsync([.. Enumerable.Range(995, 10).Select(i => Event("t", i))]);
        Assert.Equal(1005, log.Appended);
    }

    [Fact]
    public async Task A_closed_log_refuses_appends_and_keeps_what_it_took()
    {
        using (var log = Open())
        {
            await log.PublishAsync([Event("t", 0)]);
            log.Close();
            await Assert.ThrowsAsync<InvalidOperationException>(() => log.PublishAsync([Event("t", 1)]));
        }
        using var reopened = Open();
        Assert.Equal(["e0"], (await ReadAllAsync(reopened, 0)).Select(Id));
    }

    [Fact]
    public async Task A_reader_waits_for_the_next_commit_and_returns_it()
    {
        using var log = Open();
        using var reader = log.Read(0);
        var waiting = reader.ReadAsync(10, wait: true, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        await log.PublishAsync([Event("t", 0)]);

        Assert.Equal(["e0"], (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Select(Id));
    }

    [Fact]
    public async Task A_reader_gathering_a_batch_returns_it_once_full_across_commits_or_what_is_there_when_the_wait_ends()
    {
        using var log = Open();
        using var reader = log.Read(0);
        await log.PublishAsync([Event("t", 0)]);
        var gathering = reader.ReadAsync(3, wait: true, CancellationToken.None, gather: TimeSpan.FromMinutes(5));
        await log.PublishAsync([Event("t", 1)]);
        Assert.False(gathering.IsCompleted);

        await log.PublishAsync([Event("t", 2), Event("t", 3)]);

        Assert.Equal(["e0", "e1", "e2"], (await gathering.WaitAsync(TimeSpan.FromSeconds(10))).Select(Id));
        var partial = await reader.ReadAsync(3, wait: true, CancellationToken.None, gather: TimeSpan.FromMilliseconds(50));
        Assert.Equal(["e3"], partial.Select(Id));
    }
}
