using System.Collections.Concurrent;
using System.Text;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests;

public sealed class StreamConsumerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_record_of_every_shard_is_processed_once_in_shard_order_and_a_restart_resumes_after_it()
    {
        using var dir = new TempDirectory();
        await using var stream = await OpenAsync(dir.Path);
        await AppendAsync(stream, 0, 500);
        var checkpoints = new FileCheckpointStore(Path.Combine(dir.Path, "checkpoints"));
        var first = new Collecting();

        await RunUntilAsync(new StreamConsumer("agg", stream, checkpoints, first, new StreamConsumerOptions { MaxBatchRecords = 64 }), () => first.Count == 500);
        await AppendAsync(stream, 500, 100);
        var second = new Collecting();
        await RunUntilAsync(new StreamConsumer("agg", stream, new FileCheckpointStore(Path.Combine(dir.Path, "checkpoints")), second), () => second.Count == 100);

        Assert.Equal(Enumerable.Range(0, 500), first.Ids.Order());
        // Only what came after the checkpoint: nothing delivered twice across the restart.
        Assert.Equal(Enumerable.Range(500, 100), second.Ids.Order());
        foreach (var shard in stream.Description.Shards)
        {
            var sequences = first.Records.Concat(second.Records).Where(r => r.ShardId == shard.ShardId).Select(r => long.Parse(r.SequenceNumber, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(sequences.Order(), sequences);
        }
    }

    [Fact]
    public async Task A_failing_batch_is_retried_until_it_succeeds_and_no_record_is_skipped()
    {
        using var dir = new TempDirectory();
        await using var stream = await OpenAsync(dir.Path, shards: 1);
        await AppendAsync(stream, 0, 30);
        var failures = new ConcurrentBag<string>();
        var processor = new Collecting { FailFirst = 3 };
        var consumer = new StreamConsumer("agg", stream, new FileCheckpointStore(Path.Combine(dir.Path, "cp")), processor, new StreamConsumerOptions
        {
            MaxBatchRecords = 10,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            RetryMaxDelay = TimeSpan.FromMilliseconds(4),
            OnFailure = (shard, error, _) => failures.Add($"{shard}: {error.Message}"),
        });

        await RunUntilAsync(consumer, () => processor.Count == 30);

        Assert.Equal(Enumerable.Range(0, 30), processor.Ids);
        Assert.Equal(3, failures.Count);
        Assert.All(failures, f => Assert.Equal("shardId-000000000000: processor down", f));
        Assert.Equal(new StreamConsumerMetrics(30, 3, 3, 0), consumer.GetMetrics() with { MillisBehindLatest = 0 });
    }

    [Fact]
    public async Task Stopping_an_idle_consumer_returns_promptly_without_an_exception()
    {
        using var dir = new TempDirectory();
        await using var stream = await OpenAsync(dir.Path);
        using var stop = new CancellationTokenSource();
        var run = new StreamConsumer("idle", stream, new FileCheckpointStore(Path.Combine(dir.Path, "cp")), new Collecting()).RunAsync(stop.Token);

        await stop.CancelAsync();

        await run.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Draining_processes_what_is_left_and_then_finishes_on_its_own()
    {
        using var dir = new TempDirectory();
        await using var stream = await OpenAsync(dir.Path);
        await AppendAsync(stream, 0, 300);
        using var drain = new CancellationTokenSource();
        await drain.CancelAsync();
        var processor = new Collecting();

        await new StreamConsumer("drain", stream, new FileCheckpointStore(Path.Combine(dir.Path, "cp")), processor, new StreamConsumerOptions { MaxBatchRecords = 50 })
            .RunAsync(CancellationToken.None, drain.Token).WaitAsync(Timeout);

        Assert.Equal(Enumerable.Range(0, 300), processor.Ids.Order());
    }

    [Fact]
    public async Task With_a_linger_records_that_trickle_in_are_processed_together()
    {
        using var dir = new TempDirectory();
        await using var stream = await OpenAsync(dir.Path, shards: 1);
        var processor = new Collecting();
        using var stop = new CancellationTokenSource();
        var run = new StreamConsumer("linger", stream, new FileCheckpointStore(Path.Combine(dir.Path, "cp")), processor, new StreamConsumerOptions { Linger = TimeSpan.FromSeconds(2) }).RunAsync(stop.Token);

        // Ten appends well inside one linger: the first wakes the consumer, the rest arrive while it waits.
        await AppendAsync(stream, 0, 10);
        while (processor.Count < 10)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await run.WaitAsync(Timeout);
        Assert.Equal(1, processor.Batches);
    }

    private static Task<EmbeddedStream> OpenAsync(string dir, int shards = 3) =>
        EmbeddedStream.OpenAsync(new EmbeddedStreamOptions { Directory = Path.Combine(dir, "stream"), ShardCount = shards, Durability = Durability.Write });

    private static async Task AppendAsync(EmbeddedStream stream, int from, int count)
    {
        for (var id = from; id < from + count; id++)
        {
            await stream.AppendAsync($"key-{id % 17}", Encoding.UTF8.GetBytes(id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    private static async Task RunUntilAsync(StreamConsumer consumer, Func<bool> done)
    {
        using var stop = new CancellationTokenSource();
        var run = consumer.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow + Timeout;
        while (!done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await run.WaitAsync(Timeout);
        Assert.True(done(), "the consumer did not process the expected records in time");
    }

    private sealed class Collecting : IBatchProcessor
    {
        private readonly ConcurrentQueue<StreamRecord> _records = new();
        private int _failuresLeft = -1;

        public int FailFirst { init => _failuresLeft = value; }

        public int Count => _records.Count;

        public int Batches { get; private set; }

        public IReadOnlyList<StreamRecord> Records => [.. _records];

        public IEnumerable<int> Ids => _records.Select(r => int.Parse(Encoding.UTF8.GetString(r.Data.Span), System.Globalization.CultureInfo.InvariantCulture));

        public ValueTask ProcessAsync(IReadOnlyList<StreamRecord> batch, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            {
                throw new IOException("processor down");
            }

            Batches++;
            foreach (var record in batch)
            {
                _records.Enqueue(record);
            }

            return ValueTask.CompletedTask;
        }
    }
}
