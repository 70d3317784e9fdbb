using System.Collections.Concurrent;
using System.Text.Json;
using Gateway.Streams.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Streams.Tests;

public sealed class AppendAndReadTests
{
    [Fact]
    public async Task Concurrent_appends_keep_per_shard_order_and_every_ack_matches_what_reads_return()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path, shards: 4));
        const int Writers = 64;
        const int PerWriter = 150;
        var acks = new ConcurrentBag<(long Id, int Writer, int Index, AppendResult Result)>();

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                var id = (writer * 10_000L) + i;
                acks.Add((id, writer, i, await stream.AppendAsync(Some.PartitionKey(id), Some.Payload(id))));
            }
        })));

        var byShard = new Dictionary<string, List<StreamRecord>>();
        foreach (var shard in stream.Description.Shards)
        {
            var records = await StreamFiles.ReadAllAsync(stream, shard.ShardId);
            byShard[shard.ShardId] = records;
            // Sequence numbers are 1, 2, 3, … with no gap and no repeat.
            Assert.Equal(Enumerable.Range(1, records.Count).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), records.Select(r => r.SequenceNumber));
            Assert.All(records, r => Assert.Equal(shard.ShardId, r.ShardId));
        }

        Assert.Equal(Writers * PerWriter, byShard.Values.Sum(r => r.Count));
        foreach (var (id, _, _, result) in acks)
        {
            var record = byShard[result.ShardId][int.Parse(result.SequenceNumber, System.Globalization.CultureInfo.InvariantCulture) - 1];
            Assert.Equal(Some.Payload(id), record.Data.ToArray());
            Assert.Equal(Some.PartitionKey(id), record.PartitionKey);
            Assert.Equal(stream.Description.Shards[HashKey.ShardIndexFor(record.PartitionKey, stream.Description.Shards)].ShardId, result.ShardId);
        }

        // One writer's appends are sequential, so within a shard its later append has the higher sequence number.
        foreach (var writer in acks.GroupBy(a => (a.Writer, a.Result.ShardId)))
        {
            var ordered = writer.OrderBy(a => a.Index).Select(a => long.Parse(a.Result.SequenceNumber, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(ordered.Order(), ordered);
        }

        Assert.True(byShard.Values.All(r => r.Count > 0), "64 writers over 1000 partition keys should reach every one of 4 shards");
        var metrics = stream.GetMetrics();
        Assert.Equal(Writers * PerWriter, metrics.RecordsAppended);
        Assert.True(metrics.Batches < metrics.RecordsAppended, $"group commit should batch concurrent appends ({metrics.Batches} batches for {metrics.RecordsAppended} records)");
    }

    [Fact]
    public async Task Sequence_numbers_start_at_1_per_shard_as_plain_decimal_strings()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path, shards: 2));

        // "a" hashes to shard 0 of 2, "b" to shard 1.
        var first = await stream.AppendAsync("a", "x"u8.ToArray());
        var second = await stream.AppendAsync("a", "y"u8.ToArray());
        var other = await stream.AppendAsync("b", "z"u8.ToArray());

        Assert.Equal(new AppendResult("shardId-000000000000", "1"), first);
        Assert.Equal(new AppendResult("shardId-000000000000", "2"), second);
        Assert.Equal(new AppendResult("shardId-000000000001", "1"), other);
    }

    [Fact]
    public async Task Read_after_a_position_returns_the_following_records_and_where_to_continue()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));
        for (var id = 1; id <= 10; id++)
        {
            await stream.AppendAsync("k", Some.Payload(id));
        }

        var page = await stream.ReadAsync("shardId-000000000000", StreamPosition.After("3"), 4);
        var rest = await stream.ReadAsync("shardId-000000000000", page.Next, 100);
        var end = await stream.ReadAsync("shardId-000000000000", rest.Next, 100);

        Assert.Equal(["4", "5", "6", "7"], page.Records.Select(r => r.SequenceNumber));
        Assert.Equal([4L, 5, 6, 7], page.Records.Select(r => Some.PayloadId(r.Data.Span)));
        Assert.Equal(StreamPosition.After("7"), page.Next);
        Assert.Equal(["8", "9", "10"], rest.Records.Select(r => r.SequenceNumber));
        Assert.Empty(end.Records);
        Assert.Equal(rest.Next, end.Next);
    }

    [Fact]
    public async Task Reading_an_empty_stream_returns_nothing_and_keeps_the_position()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));

        var result = await stream.ReadAsync("shardId-000000000000", StreamPosition.TrimHorizon, 10);

        Assert.Empty(result.Records);
        Assert.Equal(StreamPosition.TrimHorizon, result.Next);
        Assert.Equal(0, result.MillisBehindLatest);
    }

    [Fact]
    public async Task Records_carry_the_arrival_time_and_reads_report_how_far_behind_they_are()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path), clock);
        var firstArrival = clock.GetUtcNow();
        await stream.AppendAsync("k", Some.Payload(1));
        clock.Advance(TimeSpan.FromSeconds(5));
        await stream.AppendAsync("k", Some.Payload(2));

        var behind = await stream.ReadAsync("shardId-000000000000", StreamPosition.TrimHorizon, 1);
        var caughtUp = await stream.ReadAsync("shardId-000000000000", behind.Next, 10);

        Assert.Equal(firstArrival, behind.Records[0].ApproximateArrivalTimestamp);
        Assert.Equal(5000, behind.MillisBehindLatest);
        Assert.Equal(firstArrival.AddSeconds(5), caughtUp.Records[0].ApproximateArrivalTimestamp);
        Assert.Equal(0, caughtUp.MillisBehindLatest);
    }

    [Fact]
    public async Task Reads_continue_across_segment_files_named_by_their_first_sequence_number()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path) with { SegmentSize = 1024 });
        for (var id = 1; id <= 20; id++)
        {
            await stream.AppendAsync("k", new byte[300]);
        }

        var records = await StreamFiles.ReadAllAsync(stream, "shardId-000000000000");

        Assert.Equal(20, records.Count);
        // 328-byte records: three fit in 1024 bytes, so segments start at 1, 4, 7, ….
        Assert.Equal(
            ["00000000000000000001.seg", "00000000000000000004.seg", "00000000000000000007.seg"],
            StreamFiles.Segments(dir.Path).Take(3).Select(Path.GetFileName));
        Assert.All(StreamFiles.Segments(dir.Path), s => Assert.True(new FileInfo(s).Length <= 1024));
    }

    [Theory]
    [InlineData(0)] // empty
    [InlineData(257)] // one over the Kinesis limit
    public async Task Partition_key_outside_1_to_256_characters_is_rejected(int length)
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => stream.AppendAsync(new string('k', length), new byte[1]).AsTask());

        Assert.Contains("1 to 256", error.Message, StringComparison.Ordinal);
        Assert.Equal("partitionKey", error.ParamName);
    }

    [Fact]
    public async Task Partition_key_of_256_non_ascii_characters_is_accepted()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));
        var key = new string('€', 256);

        await stream.AppendAsync(key, new byte[1]);

        Assert.Equal(key, (await stream.ReadAsync("shardId-000000000000", StreamPosition.TrimHorizon, 1)).Records[0].PartitionKey);
    }

    [Fact]
    public async Task Data_plus_partition_key_over_1_MiB_is_rejected_naming_the_limit()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));

        // The key counts toward the limit: 2 key bytes + (1 MiB - 1) data bytes is one byte over.
        var error = await Assert.ThrowsAsync<ArgumentException>(() => stream.AppendAsync("kk", new byte[(1024 * 1024) - 1]).AsTask());

        Assert.Contains("1,048,576 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal("data", error.ParamName);
    }

    [Fact]
    public async Task Record_of_exactly_1_MiB_with_its_key_is_stored_and_read_back()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));
        var data = new byte[(1024 * 1024) - 1];
        Random.Shared.NextBytes(data);

        await stream.AppendAsync("k", data);

        Assert.Equal(data, (await stream.ReadAsync("shardId-000000000000", StreamPosition.TrimHorizon, 1)).Records[0].Data.ToArray());
    }

    [Fact]
    public async Task Unknown_shard_id_is_rejected_listing_the_valid_ids()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path, shards: 2));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => stream.ReadAsync("shardId-000000000007", StreamPosition.TrimHorizon, 1).AsTask());

        Assert.Contains("shardId-000000000000, shardId-000000000001", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData(" 7")]
    [InlineData("49590338271490256608559692538361571095921575989136588898")] // a Kinesis sequence number: too big for this stream
    public async Task Sequence_numbers_that_are_not_positive_integers_are_rejected(string sequenceNumber)
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => stream.ReadAsync("shardId-000000000000", StreamPosition.After(sequenceNumber), 1).AsTask());

        Assert.Contains($"'{sequenceNumber}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("positive decimal integer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waiting_for_records_completes_when_one_is_appended()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));
        await stream.AppendAsync("k", Some.Payload(1));

        var alreadyThere = stream.WaitForRecordsAsync("shardId-000000000000", StreamPosition.TrimHorizon);
        var wait = stream.WaitForRecordsAsync("shardId-000000000000", StreamPosition.After("1")).AsTask();
        var stillWaiting = !wait.IsCompleted;
        await stream.AppendAsync("k", Some.Payload(2));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(alreadyThere.IsCompletedSuccessfully);
        Assert.True(stillWaiting);
    }

    [Fact]
    public async Task Waiting_for_records_ends_with_ObjectDisposedException_when_the_stream_closes()
    {
        using var dir = new TempDirectory();
        var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));
        var wait = stream.WaitForRecordsAsync("shardId-000000000000", StreamPosition.TrimHorizon).AsTask();

        await stream.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Stream_json_records_name_and_shard_count()
    {
        using var dir = new TempDirectory();
        await using (await EmbeddedStream.OpenAsync(Some.Options(dir.Path, shards: 3) with { StreamName = "raw-hits" }))
        {
        }

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir.Path, "stream.json")));

        Assert.Equal("raw-hits", manifest.RootElement.GetProperty("name").GetString());
        Assert.Equal(3, manifest.RootElement.GetProperty("shardCount").GetInt32());
    }

    [Fact]
    public async Task Reopening_with_another_shard_count_names_the_option_and_the_fix()
    {
        using var dir = new TempDirectory();
        await using (await EmbeddedStream.OpenAsync(Some.Options(dir.Path, shards: 2)))
        {
        }

        var error = await Assert.ThrowsAsync<ArgumentException>(() => EmbeddedStream.OpenAsync(Some.Options(dir.Path, shards: 4)));

        Assert.Contains("EmbeddedStreamOptions.ShardCount is 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("Set ShardCount to 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_writer_on_the_same_directory_is_refused()
    {
        using var dir = new TempDirectory();
        await using var first = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));

        var error = await Assert.ThrowsAsync<IOException>(() => EmbeddedStream.OpenAsync(Some.Options(dir.Path)));

        Assert.Contains("open for writing", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(EmbeddedStreamOptions.SegmentSize))]
    [InlineData(nameof(EmbeddedStreamOptions.ShardCount))]
    [InlineData(nameof(EmbeddedStreamOptions.FlushInterval))]
    public async Task Invalid_options_are_reported_by_name(string option)
    {
        using var dir = new TempDirectory();
        var options = option switch
        {
            nameof(EmbeddedStreamOptions.SegmentSize) => Some.Options(dir.Path) with { SegmentSize = 10 },
            nameof(EmbeddedStreamOptions.ShardCount) => Some.Options(dir.Path) with { ShardCount = 0 },
            _ => Some.Options(dir.Path) with { FlushInterval = TimeSpan.Zero },
        };

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => EmbeddedStream.OpenAsync(options));

        Assert.Contains($"EmbeddedStreamOptions.{option}", error.Message, StringComparison.Ordinal);
    }
}
