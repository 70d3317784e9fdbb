using Gateway.Streams.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Streams.Tests;

public sealed class DurabilityTests
{
    private const string Shard = "shardId-000000000000";

    [Theory]
    [InlineData("write")]
    [InlineData("fsync")]
    public async Task A_failed_write_or_fsync_fails_the_append_and_never_exposes_the_record(string operation)
    {
        using var dir = new TempDirectory();
        using var hook = new BlockingHook();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path) with { FaultInjection = hook.Invoke });
        await stream.AppendAsync("k", Some.Payload(1));
        await stream.AppendAsync("k", Some.Payload(2));

        hook.FailNext(operation);
        var error = await Assert.ThrowsAsync<IOException>(() => stream.AppendAsync("k", Some.Payload(3)).AsTask());
        var after = await stream.AppendAsync("k", Some.Payload(4));

        Assert.Equal($"injected {operation} failure", error.Message);
        // The failed record's sequence number is reused: it never existed for any reader.
        Assert.Equal("3", after.SequenceNumber);
        Assert.Equal([1L, 2, 4], (await StreamFiles.ReadAllAsync(stream, Shard)).Select(r => Some.PayloadId(r.Data.Span)));
        Assert.Equal(1, stream.GetMetrics().AppendFailures);
    }

    [Fact]
    public async Task A_failed_fsync_is_rolled_back_on_disk_too()
    {
        using var dir = new TempDirectory();
        using var hook = new BlockingHook();
        var options = Some.Options(dir.Path) with { FaultInjection = hook.Invoke };
        await using (var stream = await EmbeddedStream.OpenAsync(options))
        {
            await stream.AppendAsync("k", Some.Payload(1));
            hook.FailNext("fsync");
            await Assert.ThrowsAsync<IOException>(() => stream.AppendAsync("k", Some.Payload(2)).AsTask());
        }

        await using var reopened = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));

        Assert.Equal([1L], (await StreamFiles.ReadAllAsync(reopened, Shard)).Select(r => Some.PayloadId(r.Data.Span)));
        Assert.Equal(0, reopened.GetMetrics().RecoveryTruncations);
    }

    [Fact]
    public async Task Fsync_durability_flushes_before_acknowledging()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));

        await stream.AppendAsync("k", Some.Payload(1));

        Assert.Equal(1, stream.GetMetrics().Fsyncs);
    }

    [Fact]
    public async Task Write_durability_acknowledges_before_fsync_and_flushes_within_the_interval()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider();
        var options = Some.Options(dir.Path) with { Durability = Durability.Write, FlushInterval = TimeSpan.FromMilliseconds(200) };
        await using var stream = await EmbeddedStream.OpenAsync(options, clock);

        await stream.AppendAsync("k", Some.Payload(1));
        var beforeInterval = stream.GetMetrics().Fsyncs;
        clock.Advance(TimeSpan.FromMilliseconds(200));
        var afterInterval = stream.GetMetrics().Fsyncs;
        clock.Advance(TimeSpan.FromMilliseconds(200));

        Assert.Equal(0, beforeInterval);
        Assert.Equal(1, afterInterval);
        // Nothing new was written, so the next tick has nothing to flush.
        Assert.Equal(1, stream.GetMetrics().Fsyncs);
    }

    [Fact]
    public async Task A_full_queue_makes_appends_wait_and_cancelling_a_waiting_append_drops_it()
    {
        using var dir = new TempDirectory();
        using var hook = new BlockingHook();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path) with { QueueCapacity = 1, FaultInjection = hook.Invoke });
        using var cancel = new CancellationTokenSource();

        hook.BlockNextWrite();
        var first = stream.AppendAsync("k", Some.Payload(1)).AsTask();
        await hook.WriterBlockedAsync();
        var queued = stream.AppendAsync("k", Some.Payload(2)).AsTask();
        var waiting = stream.AppendAsync("k", Some.Payload(3), cancel.Token).AsTask();
        var waitedForSpace = !waiting.IsCompleted;
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        hook.Release();

        Assert.True(waitedForSpace);
        Assert.Equal("1", (await first).SequenceNumber);
        Assert.Equal("2", (await queued).SequenceNumber);
        Assert.Equal([1L, 2], (await StreamFiles.ReadAllAsync(stream, Shard)).Select(r => Some.PayloadId(r.Data.Span)));
    }

    [Fact]
    public async Task Dispose_writes_and_flushes_pending_appends_then_refuses_new_ones()
    {
        using var dir = new TempDirectory();
        using var hook = new BlockingHook();
        var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path) with { Durability = Durability.Write, FaultInjection = hook.Invoke });

        hook.BlockNextWrite();
        var inFlight = stream.AppendAsync("k", Some.Payload(1)).AsTask();
        await hook.WriterBlockedAsync();
        var pending = Enumerable.Range(2, 5).Select(id => stream.AppendAsync("k", Some.Payload(id)).AsTask()).ToList();
        var disposing = stream.DisposeAsync().AsTask();
        var disposeWaited = !disposing.IsCompleted;
        hook.Release();
        await disposing;

        Assert.True(disposeWaited);
        Assert.True(inFlight.IsCompletedSuccessfully);
        Assert.All(pending, p => Assert.True(p.IsCompletedSuccessfully));
        // Durability.Write acknowledged them unflushed; closing fsyncs.
        Assert.True(stream.GetMetrics().Fsyncs >= 1);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => stream.AppendAsync("k", Some.Payload(7)).AsTask());
        await using var reopened = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));
        Assert.Equal(6, (await StreamFiles.ReadAllAsync(reopened, Shard)).Count);
    }

    [Fact]
    public async Task Group_commit_delay_gathers_appends_that_arrive_meanwhile_into_one_batch()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path) with { GroupCommitDelay = TimeSpan.FromMilliseconds(5) }, clock);
        clock.ForgetScheduledTimers();

        var first = stream.AppendAsync("k", Some.Payload(1)).AsTask();
        await clock.TimerScheduledAsync(); // the writer is now waiting out the delay
        var more = Enumerable.Range(2, 3).Select(id => stream.AppendAsync("k", Some.Payload(id)).AsTask()).ToList();
        var heldBack = !first.IsCompleted;
        clock.Advance(TimeSpan.FromMilliseconds(5));
        var results = await Task.WhenAll([first, .. more]);

        Assert.True(heldBack);
        Assert.Equal(["1", "2", "3", "4"], results.Select(r => r.SequenceNumber));
        Assert.Equal(1, stream.GetMetrics().Batches);
        Assert.Equal(1, stream.GetMetrics().Fsyncs);
    }

    [Fact]
    public async Task Segment_roll_makes_the_full_segment_durable_before_starting_the_next()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path) with { Durability = Durability.Write, SegmentSize = 1024 });

        for (var i = 0; i < 4; i++)
        {
            await stream.AppendAsync("k", new byte[300]);
        }

        // Write durability never fsyncs per batch; the one fsync is the roll's, on the segment it closed.
        Assert.Equal(2, StreamFiles.Segments(dir.Path).Length);
        Assert.Equal(1, stream.GetMetrics().Fsyncs);
    }
}
