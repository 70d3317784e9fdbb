using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using Gateway.Aws;
using Gateway.Streams.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Streams.Tests;

/// <summary>The Kinesis-backed <see cref="IRecordStream"/> against kinesalite, a Kinesis-API server written by someone else.</summary>
public sealed class KinesisRecordStreamTests(Kinesalite kinesalite) : IClassFixture<Kinesalite>
{
    [Fact]
    public async Task Concurrent_appends_are_batched_and_every_ack_matches_what_reads_return_in_shard_order()
    {
        using var client = kinesalite.CreateClient();
        await using var stream = await OpenNewAsync(client, "order", shards: 4);
        const int Writers = 16;
        const int PerWriter = 100;
        var acks = new ConcurrentBag<(long Id, int Writer, int Index, AppendResult Result)>();

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                var id = (writer * 10_000L) + i;
                acks.Add((id, writer, i, await stream.AppendAsync(Some.PartitionKey(id), Some.Payload(id))));
            }
        })));

        // kinesalite splits the hash-key space exactly as AWS and the embedded stream do.
        Assert.Equal(HashKey.SplitEvenly(4), stream.Description.Shards);
        var byShard = new Dictionary<string, List<StreamRecord>>();
        foreach (var shard in stream.Description.Shards)
        {
            var records = await StreamFiles.ReadAllAsync(stream, shard.ShardId);
            byShard[shard.ShardId] = records;
            var sequence = records.Select(r => BigInteger.Parse(r.SequenceNumber, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(sequence.Order(), sequence);
            Assert.Equal(sequence.Count, sequence.Distinct().Count());
            Assert.All(records, r => Assert.Equal(shard.ShardId, r.ShardId));
        }

        Assert.Equal(Writers * PerWriter, byShard.Values.Sum(r => r.Count));
        var bySequence = byShard.Values.SelectMany(r => r).ToDictionary(r => (r.ShardId, r.SequenceNumber));
        foreach (var (id, _, _, result) in acks)
        {
            var record = bySequence[(result.ShardId, result.SequenceNumber)];
            Assert.Equal(Some.Payload(id), record.Data.ToArray());
            Assert.Equal(Some.PartitionKey(id), record.PartitionKey);
            Assert.Equal(stream.Description.Shards[HashKey.ShardIndexFor(record.PartitionKey, stream.Description.Shards)].ShardId, result.ShardId);
        }

        // One writer's appends are sequential, so within a shard its later append has the higher sequence number.
        foreach (var writer in acks.GroupBy(a => (a.Writer, a.Result.ShardId)))
        {
            var ordered = writer.OrderBy(a => a.Index).Select(a => BigInteger.Parse(a.Result.SequenceNumber, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(ordered.Order(), ordered);
        }

        var metrics = stream.GetMetrics();
        Assert.Equal(Writers * PerWriter, metrics.RecordsSucceeded);
        Assert.True(metrics.PutRecordsCalls < Writers * PerWriter, $"concurrent appends should share PutRecords calls ({metrics.PutRecordsCalls} calls for {Writers * PerWriter} appends)");
    }

    [Fact]
    public async Task A_reader_resumes_after_its_checkpoint_with_the_next_record_and_nothing_else()
    {
        using var client = kinesalite.CreateClient();
        using var dir = new TempDirectory();
        var checkpoints = new FileCheckpointStore(dir.Path);
        var options = NewOptions("resume", shards: 1);
        var shardId = HashKey.ShardId(0);
        await using (var stream = await KinesisRecordStream.OpenAsync(options, client))
        {
            for (var id = 0L; id < 30; id++)
            {
                await stream.AppendAsync(Some.PartitionKey(id), Some.Payload(id));
            }

            var first = await stream.ReadAsync(shardId, StreamPosition.TrimHorizon, 10);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), first.Records.Select(r => Some.PayloadId(r.Data.Span)));
            Assert.Equal(StreamPosition.After(first.Records[^1].SequenceNumber), first.Next);
            // Continuing from Next in the same process reuses the iterator GetRecords handed back.
            var second = await stream.ReadAsync(shardId, first.Next, 10);
            Assert.Equal(Enumerable.Range(10, 10).Select(i => (long)i), second.Records.Select(r => Some.PayloadId(r.Data.Span)));
            await checkpoints.CommitAsync("lake", shardId, second.Next);
        }

        // A new process: no cached iterator, so the checkpoint becomes AFTER_SEQUENCE_NUMBER.
        await using var reopened = await KinesisRecordStream.OpenAsync(options, client);
        var resumed = await reopened.ReadAsync(shardId, await checkpoints.GetAsync("lake", shardId), 100);

        Assert.Equal(Enumerable.Range(20, 10).Select(i => (long)i), resumed.Records.Select(r => Some.PayloadId(r.Data.Span)));
        Assert.Equal(0, resumed.MillisBehindLatest);
    }

    [Fact]
    public async Task A_caught_up_read_returns_nothing_at_the_same_position_and_later_appends_show_up_there()
    {
        using var client = kinesalite.CreateClient();
        await using var stream = await OpenNewAsync(client, "tail", shards: 1);
        var shardId = stream.Description.Shards[0].ShardId;
        var last = await stream.AppendAsync("k", "one"u8.ToArray());

        var tail = await stream.ReadAsync(shardId, StreamPosition.After(last.SequenceNumber), 10);
        Assert.Empty(tail.Records);
        Assert.Equal(StreamPosition.After(last.SequenceNumber), tail.Next);

        var appended = await stream.AppendAsync("k", "two"u8.ToArray());
        var next = await stream.ReadAsync(shardId, tail.Next, 10);

        var record = Assert.Single(next.Records);
        Assert.Equal(appended.SequenceNumber, record.SequenceNumber);
        Assert.Equal("two"u8.ToArray(), record.Data.ToArray());
        Assert.Equal("k", record.PartitionKey);
        Assert.InRange(record.ApproximateArrivalTimestamp, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Dispose_sends_every_queued_append_and_later_appends_are_refused()
    {
        using var client = kinesalite.CreateClient();
        var options = NewOptions("flush", shards: 2);
        var stream = await KinesisRecordStream.OpenAsync(options, client);
        var payloads = Enumerable.Range(0, 2000).Select(i => Some.Payload(i)).ToArray();
        var pending = payloads.Select((payload, i) => stream.AppendAsync(Some.PartitionKey(i), payload).AsTask()).ToArray();

        await stream.DisposeAsync();

        Assert.All(pending, t => Assert.True(t.IsCompletedSuccessfully, "every append queued before dispose must have been acknowledged by Kinesis"));
        Assert.Throws<ObjectDisposedException>(() => { _ = stream.AppendAsync("k", new byte[1]); });
        await using var reader = await KinesisRecordStream.OpenAsync(options, client);
        var count = 0;
        foreach (var shard in reader.Description.Shards)
        {
            count += (await StreamFiles.ReadAllAsync(reader, shard.ShardId)).Count;
        }

        Assert.Equal(2000, count);
    }

    [Fact]
    public async Task A_full_queue_makes_appends_wait_and_cancelling_that_wait_sends_nothing()
    {
        using var proxy = new KinesisProxyHandler();
        using var http = new HttpClient(proxy);
        using var client = kinesalite.CreateClient(http: http);
        await using var stream = await KinesisRecordStream.OpenAsync(NewOptions("full", shards: 1) with { QueueCapacity = 1 }, client);
        proxy.Hold();

        var inFlight = stream.AppendAsync("a", "in flight"u8.ToArray()).AsTask();
        await proxy.CallHeldAsync();
        var queued = stream.AppendAsync("b", "queued"u8.ToArray()).AsTask();
        using var cancel = new CancellationTokenSource();
        var waiting = stream.AppendAsync("c", "waiting"u8.ToArray(), cancel.Token).AsTask();
        Assert.False(waiting.IsCompleted, "with the queue full the third append waits for space");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        proxy.Release();
        await Task.WhenAll(inFlight, queued);
        var records = await StreamFiles.ReadAllAsync(stream, stream.Description.Shards[0].ShardId);
        Assert.Equal(["a", "b"], records.Select(r => r.PartitionKey));
    }

    [Fact]
    public async Task An_append_Kinesis_keeps_rejecting_fails_and_nothing_is_acknowledged()
    {
        using var proxy = new KinesisProxyHandler();
        using var http = new HttpClient(proxy);
        using var client = kinesalite.CreateClient(http: http);
        var options = NewOptions("rejected", shards: 1) with { Writer = new KinesisRecordWriterOptions { MaxAttempts = 1 } };
        await using var stream = await KinesisRecordStream.OpenAsync(options, client);
        proxy.ThrottleEverything = true;

        var e = await Assert.ThrowsAsync<AwsServiceException>(async () => await stream.AppendAsync("k", "x"u8.ToArray()));

        Assert.Equal("ProvisionedThroughputExceededException", e.ErrorCode);
        Assert.Contains("was not acknowledged", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, stream.GetMetrics().FailedEntries);
        Assert.Empty(await StreamFiles.ReadAllAsync(stream, stream.Description.Shards[0].ShardId));
    }

    [Fact]
    public async Task Opening_a_missing_stream_fails_with_the_fix_unless_asked_to_create_it()
    {
        using var client = kinesalite.CreateClient();
        var name = kinesalite.NewStreamName("missing");

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => KinesisRecordStream.OpenAsync(new KinesisStreamOptions { StreamName = name }, client));
        Assert.Equal("ResourceNotFoundException", e.ErrorCode);
        Assert.Contains($"stream '{name}' does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("create it or check the name/region", e.Message, StringComparison.Ordinal);

        await using var created = await KinesisRecordStream.OpenAsync(new KinesisStreamOptions { StreamName = name, CreateIfMissing = true, ShardCount = 2 }, client);
        Assert.Equal(name, created.Description.Name);
        Assert.Equal([HashKey.ShardId(0), HashKey.ShardId(1)], created.Description.Shards.Select(s => s.ShardId));
    }

    [Fact]
    public async Task Reading_an_unknown_shard_names_the_shards_the_stream_has()
    {
        using var client = kinesalite.CreateClient();
        await using var stream = await OpenNewAsync(client, "shards", shards: 2);

        var e = await Assert.ThrowsAsync<ArgumentException>(async () => await stream.ReadAsync("shardId-000000000007", StreamPosition.TrimHorizon, 10));

        Assert.Contains("shardId-000000000000, shardId-000000000001", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_over_a_Kinesis_limit_are_refused_before_they_are_queued()
    {
        using var client = kinesalite.CreateClient();
        await using var stream = await OpenNewAsync(client, "limits", shards: 1);

        Assert.Throws<ArgumentException>(() => { _ = stream.AppendAsync("k", new byte[1024 * 1024]); });
        Assert.Throws<ArgumentException>(() => { _ = stream.AppendAsync(new string('k', 257), new byte[1]); });
        Assert.Equal(0, stream.GetMetrics().PutRecordsCalls);
    }

    private KinesisStreamOptions NewOptions(string prefix, int shards) =>
        new() { StreamName = kinesalite.NewStreamName(prefix), CreateIfMissing = true, ShardCount = shards };

    private Task<KinesisRecordStream> OpenNewAsync(KinesisClient client, string prefix, int shards) =>
        KinesisRecordStream.OpenAsync(NewOptions(prefix, shards), client);
}
