using System.Globalization;
using System.Text;
using Gateway.Processing.Tests.Support;

namespace Gateway.Processing.Tests;

public sealed class KplAggregatorTests
{
    [Fact]
    public void Single_record_is_sent_unaggregated_with_its_own_keys()
    {
        var emitted = Capture.Aggregate([Some.Record("pk-1", "hello", explicitHashKey: "42")]);

        var single = Assert.Single(emitted);
        Assert.False(single.IsAggregated);
        Assert.Equal(("pk-1", "42", "hello"), (single.PartitionKey, single.ExplicitHashKey, Encoding.UTF8.GetString(single.Data)));
    }

    [Fact]
    public void Single_record_without_explicit_hash_key_is_sent_without_one()
    {
        var single = Assert.Single(Capture.Aggregate([Some.Record("pk-1")]));

        Assert.Null(single.ExplicitHashKey);
    }

    [Fact]
    public void Aggregate_takes_the_first_records_partition_key_and_its_md5_hash_key()
    {
        var emitted = Capture.Aggregate([Some.Record("first"), Some.Record("second", explicitHashKey: "7")]);

        var single = Assert.Single(emitted);
        Assert.True(single.IsAggregated);
        Assert.Equal(2, single.UserRecordCount);
        Assert.Equal("first", single.PartitionKey);
        // MD5("first") as a big-endian unsigned integer, so KCL 2.x finds the whole aggregate in the shard it reads.
        Assert.Equal(Some.EffectiveHashKey("first", null).ToString(CultureInfo.InvariantCulture), single.ExplicitHashKey);
    }

    [Fact]
    public void Aggregate_takes_the_first_records_explicit_hash_key_when_it_has_one()
    {
        var single = Assert.Single(Capture.Aggregate([Some.Record("first", explicitHashKey: "123456789012345678901234567890"), Some.Record("second")]));

        Assert.Equal("123456789012345678901234567890", single.ExplicitHashKey);
    }

    [Fact]
    public void Repeated_keys_are_stored_once_in_the_tables()
    {
        var records = new[] { Some.Record("a", "1", "9"), Some.Record("b", "2", "9"), Some.Record("a", "3", "9"), Some.Record("a", "4") };

        var single = Assert.Single(Capture.Aggregate(records));

        // "a" and "b" once each, "9" once: 2 + 1 table entries, then four records that index them.
        var body = single.Data.AsSpan(4, single.Data.Length - 20).ToArray();
        byte[] expectedTables = [0x0A, 1, (byte)'a', 0x0A, 1, (byte)'b', 0x12, 1, (byte)'9'];
        Assert.Equal(expectedTables, body[..expectedTables.Length]);
        Assert.Equal(
            [("a", "9", "1"), ("b", "9", "2"), ("a", "9", "3"), ("a", (string?)null, "4")],
            Capture.Deaggregate(single.Data).Records.Select(r => (r.PartitionKey, r.ExplicitHashKey, Encoding.UTF8.GetString(r.Data))));
    }

    [Theory]
    // Record sizes chosen so the second record lands exactly on the target, or one byte past it.
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    public void Target_size_counts_magic_protobuf_md5_and_outer_partition_key(int overBy, int expectedOutputs)
    {
        // Two records with key "k" (1 byte) and n data bytes (n < 128):
        //   pk table 3, record 2 + (2 + 2 + n) each  =>  protobuf = 3 + 2 * (6 + n); blob = 20 + protobuf; Kinesis adds 1 for "k".
        const int n = 100;
        var exact = 20 + 3 + (2 * (6 + n)) + 1;
        var options = new KplAggregatorOptions { TargetSize = exact - overBy };

        var emitted = Capture.Aggregate([Some.Record("k", new string('x', n)), Some.Record("k", new string('y', n))], options);

        Assert.Equal(expectedOutputs, emitted.Count);
        Assert.All(emitted, e => Assert.True(e.KinesisSize <= options.TargetSize, $"{e} exceeds {options.TargetSize}"));
        if (expectedOutputs == 1)
        {
            Assert.Equal(exact, emitted[0].KinesisSize);
        }
    }

    [Fact]
    public void Default_target_is_5120_bytes_including_the_outer_partition_key()
    {
        var records = Enumerable.Range(0, 200).Select(i => new UserRecord(Some.RequestId(i), Some.RealtimeLogLine(i)));

        var emitted = Capture.Aggregate(records);

        Assert.All(emitted, e => Assert.True(e.KinesisSize <= 5120, $"{e} is {e.KinesisSize} bytes"));
        // RT-log lines are ~500 bytes, so each aggregate should be filled to within one record of the target.
        Assert.All(emitted.SkipLast(1), e => Assert.True(e.KinesisSize > 5120 - 600, $"{e} is only {e.KinesisSize} bytes"));
        Assert.Equal(200, emitted.Sum(e => e.UserRecordCount));
    }

    [Fact]
    public void Record_too_large_for_the_target_is_passed_through_after_the_records_before_it()
    {
        var big = new string('B', 6000);
        var emitted = Capture.Aggregate([Some.Record("a", "small-1"), Some.Record("b", "small-2"), Some.Record("c", big, "99"), Some.Record("d", "small-3")]);

        Assert.Equal(3, emitted.Count);
        Assert.Equal((true, 2), (emitted[0].IsAggregated, emitted[0].UserRecordCount));
        Assert.Equal((false, "c", "99"), (emitted[1].IsAggregated, emitted[1].PartitionKey, emitted[1].ExplicitHashKey));
        Assert.Equal(big, Encoding.UTF8.GetString(emitted[1].Data));
        Assert.Equal(("d", "small-3"), (emitted[2].PartitionKey, Encoding.UTF8.GetString(emitted[2].Data)));
    }

    [Fact]
    public void Records_are_aggregated_per_shard_and_never_mixed()
    {
        var ranges = HashKeyRange.SplitEvenly(4);
        var records = Enumerable.Range(0, 400).Select(i => new UserRecord(Some.RequestId(i), Some.Bytes(40, i))).ToArray();

        var emitted = Capture.Aggregate(records, new KplAggregatorOptions { ShardHashKeyRanges = ranges });

        Assert.Equal(4, emitted.Select(e => e.ShardIndex).Distinct().Count());
        foreach (var output in emitted.Where(e => e.IsAggregated))
        {
            var range = ranges[output.ShardIndex];
            Assert.True(range.Contains(UInt128.Parse(output.ExplicitHashKey!, CultureInfo.InvariantCulture)), $"outer key of {output} is outside its shard");
            Assert.All(Capture.Deaggregate(output.Data).Records, r =>
                Assert.True(range.Contains(Some.EffectiveHashKey(r.PartitionKey, r.ExplicitHashKey)), $"{r.PartitionKey} in {output} belongs to another shard"));
        }
    }

    [Fact]
    public void Explicit_hash_key_decides_the_shard_over_the_partition_key()
    {
        var ranges = HashKeyRange.SplitEvenly(2);
        var lowHalf = "1";
        var highHalf = UInt128.MaxValue.ToString(CultureInfo.InvariantCulture);

        var emitted = Capture.Aggregate(
            [Some.Record("same", "x", lowHalf), Some.Record("same", "y", highHalf), Some.Record("same", "z", lowHalf)],
            new KplAggregatorOptions { ShardHashKeyRanges = ranges });

        Assert.Equal([(0, 2), (1, 1)], emitted.Select(e => (e.ShardIndex, e.UserRecordCount)));
    }

    [Fact]
    public void Flush_emits_open_aggregates_in_shard_order_and_empties_the_aggregator()
    {
        var output = new List<PutRecordCopy>();
        using var aggregator = new KplAggregator(new KplAggregatorOptions { ShardHashKeyRanges = HashKeyRange.SplitEvenly(3) }, Capture.Into(output));
        for (var i = 0; i < 30; i++)
        {
            aggregator.Add(new UserRecord(Some.RequestId(i), Some.Bytes(10, i)));
        }

        Assert.Empty(output);
        Assert.Equal(30, aggregator.BufferedRecordCount);

        aggregator.Flush();
        aggregator.Flush();

        Assert.Equal([0, 1, 2], output.Select(o => o.ShardIndex));
        Assert.Equal(30, output.Sum(o => o.UserRecordCount));
        Assert.Equal(0, aggregator.BufferedRecordCount);
    }

    [Fact]
    public void Data_that_starts_with_the_magic_is_always_wrapped_so_consumers_do_not_split_it()
    {
        // An already aggregated record fed back in must come out as one user record, not as its sub-records.
        var inner = Assert.Single(Capture.Aggregate([Some.Record("a", "1"), Some.Record("b", "2")])).Data;

        var emitted = Capture.Aggregate([new UserRecord("outer", inner)]);

        var single = Assert.Single(emitted);
        Assert.True(single.IsAggregated);
        var record = Assert.Single(Capture.Deaggregate(single.Data).Records);
        Assert.Equal(inner, record.Data);
    }

    [Fact]
    public void Magic_prefixed_record_larger_than_the_target_is_still_wrapped()
    {
        byte[] data = [.. KplBytes.Magic, .. Some.Bytes(8000, 1)];

        var single = Assert.Single(Capture.Aggregate([new UserRecord("k", data)]));

        Assert.True(single.IsAggregated);
        Assert.Equal(data, Assert.Single(Capture.Deaggregate(single.Data).Records).Data);
    }

    public static TheoryData<string?, string?, int, UserRecordError> InvalidRecords => new()
    {
        { null, null, 1, UserRecordError.PartitionKeyMissing },
        { "", null, 1, UserRecordError.PartitionKeyMissing },
        { new string('k', 257), null, 1, UserRecordError.PartitionKeyTooLong },
        { "k", "", 1, UserRecordError.ExplicitHashKeyMalformed },
        { "k", "01", 1, UserRecordError.ExplicitHashKeyMalformed },
        { "k", "-1", 1, UserRecordError.ExplicitHashKeyMalformed },
        { "k", "+1", 1, UserRecordError.ExplicitHashKeyMalformed },
        { "k", " 1", 1, UserRecordError.ExplicitHashKeyMalformed },
        { "k", "12a", 1, UserRecordError.ExplicitHashKeyMalformed },
        { "k", "１２", 1, UserRecordError.ExplicitHashKeyMalformed },
        { "k", "1" + new string('0', 39), 1, UserRecordError.ExplicitHashKeyMalformed },
        // 2^128, one past the largest hash key.
        { "k", "340282366920938463463374607431768211456", 1, UserRecordError.ExplicitHashKeyOutOfRange },
        { "k", new string('9', 39), 1, UserRecordError.ExplicitHashKeyOutOfRange },
        // Kinesis counts the partition key toward the 1 MiB limit.
        { "kk", null, (1024 * 1024) - 1, UserRecordError.DataTooLarge },
    };

    [Theory]
    [MemberData(nameof(InvalidRecords))]
    public void Invalid_record_is_refused_with_the_reason_and_nothing_is_added(string? partitionKey, string? explicitHashKey, int dataLength, UserRecordError expected)
    {
        var output = new List<PutRecordCopy>();
        using var aggregator = new KplAggregator(new KplAggregatorOptions(), Capture.Into(output));
        aggregator.Add(Some.Record("before"));

        var added = aggregator.TryAdd(new UserRecord(partitionKey!, new byte[dataLength], explicitHashKey), out var error);

        Assert.False(added);
        Assert.Equal(expected, error);
        Assert.Equal(1, aggregator.BufferedRecordCount);
        Assert.Empty(output);
    }

    [Fact]
    public void Partition_key_with_a_lone_surrogate_is_refused()
    {
        // Kept out of the theory table: xunit's test-case serialisation would repair the surrogate to U+FFFD.
        // On the wire it would become U+FFFD too, so the consumer would see a different key than the producer.
        using var aggregator = new KplAggregator(new KplAggregatorOptions(), (in KinesisPutRecord _) => { });

        Assert.False(aggregator.TryAdd(new UserRecord("key\uD800", new byte[1]), out var error));
        Assert.Equal(UserRecordError.PartitionKeyInvalidUnicode, error);
        Assert.False(aggregator.TryAdd(new UserRecord("\uDC00key", new byte[1]), out error));
        Assert.Equal(UserRecordError.PartitionKeyInvalidUnicode, error);
    }

    [Fact]
    public void Add_throws_a_message_that_names_the_key_and_the_limit()
    {
        using var aggregator = new KplAggregator(new KplAggregatorOptions(), (in KinesisPutRecord _) => { });

        var error = Assert.Throws<ArgumentException>(() => aggregator.Add(Some.Record("order-17", "x", explicitHashKey: "0042")));

        Assert.Contains("\"order-17\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"0042\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("leading zeros", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("340282366920938463463374607431768211455")]
    public void Explicit_hash_keys_at_the_ends_of_the_range_are_accepted(string explicitHashKey)
    {
        var single = Assert.Single(Capture.Aggregate([Some.Record("k", "x", explicitHashKey)]));

        Assert.Equal(explicitHashKey, single.ExplicitHashKey);
    }

    [Fact]
    public void Partition_key_of_256_characters_of_four_byte_utf8_is_accepted()
    {
        var key = string.Concat(Enumerable.Repeat("🙂", 128));

        var emitted = Capture.Aggregate([new UserRecord(key, Some.Utf8("a")), new UserRecord(key, Some.Utf8("b"))]);

        Assert.Equal(key, Assert.Single(emitted).PartitionKey);
        Assert.All(Capture.Deaggregate(emitted[0].Data).Records, r => Assert.Equal(key, r.PartitionKey));
    }

    [Fact]
    public void Record_of_exactly_the_stream_limit_is_passed_through()
    {
        var data = new byte[(1024 * 1024) - 2];

        var single = Assert.Single(Capture.Aggregate([new UserRecord("kk", data)]));

        Assert.False(single.IsAggregated);
        Assert.Equal(1024 * 1024, single.KinesisSize);
    }

    [Fact]
    public void Handler_that_calls_back_into_the_aggregator_is_refused()
    {
        KplAggregator? aggregator = null;
        Exception? inner = null;
        using (aggregator = new KplAggregator(new KplAggregatorOptions(), (in KinesisPutRecord _) => inner = Record.Exception(() => aggregator!.Flush())))
        {
            aggregator.Add(Some.Record());
            aggregator.Flush();
        }

        Assert.IsType<InvalidOperationException>(inner);
    }

    [Fact]
    public void Records_survive_a_handler_failure_and_go_out_on_the_next_flush()
    {
        var fail = true;
        var output = new List<PutRecordCopy>();
        var into = Capture.Into(output);
        using var aggregator = new KplAggregator(new KplAggregatorOptions(), (in KinesisPutRecord r) =>
        {
            if (fail)
            {
                throw new IOException("stream unavailable");
            }

            into(r);
        });
        aggregator.Add(Some.Record("a", "1"));
        aggregator.Add(Some.Record("b", "2"));

        Assert.Throws<IOException>(aggregator.Flush);
        fail = false;
        aggregator.Flush();

        Assert.Equal(2, Assert.Single(output).UserRecordCount);
    }

    [Theory]
    [InlineData(63, 1024 * 1024)]
    [InlineData(5121, 5120)]
    [InlineData(5120, (10 * 1024 * 1024) + 1)]
    public void Out_of_range_sizes_are_refused_at_construction(int target, int max)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KplAggregator(new KplAggregatorOptions { TargetSize = target, MaxRecordSize = max }, (in KinesisPutRecord _) => { }));
    }

    public static TheoryData<HashKeyRange[]> BadRanges => new()
    {
        // empty
        Array.Empty<HashKeyRange>(),
        // does not start at 0
        new[] { new HashKeyRange(1, UInt128.MaxValue) },
        // gap between shards
        new[] { new HashKeyRange(0, 10), new HashKeyRange(12, UInt128.MaxValue) },
        // overlap
        new[] { new HashKeyRange(0, 10), new HashKeyRange(10, UInt128.MaxValue) },
        // does not reach 2^128-1
        new[] { new HashKeyRange(0, 10) },
        // out of order
        new[] { new HashKeyRange(11, UInt128.MaxValue), new HashKeyRange(0, 10) },
    };

    [Theory]
    [MemberData(nameof(BadRanges))]
    public void Shard_ranges_that_do_not_tile_the_hash_key_space_are_refused(HashKeyRange[] ranges)
    {
        var error = Assert.Throws<ArgumentException>(() => new KplAggregator(new KplAggregatorOptions { ShardHashKeyRanges = ranges }, (in KinesisPutRecord _) => { }));

        Assert.Contains("ShardHashKeyRanges", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Even_split_tiles_the_hash_key_space_like_kinesis(int shards)
    {
        var ranges = HashKeyRange.SplitEvenly(shards);

        Assert.Equal(UInt128.Zero, ranges[0].Start);
        Assert.Equal(UInt128.MaxValue, ranges[^1].End);
        Assert.All(ranges.Zip(ranges.Skip(1)), pair => Assert.Equal(pair.First.End + 1, pair.Second.Start));
        if (shards == 2)
        {
            // Kinesis' second shard of two starts at 2^127.
            Assert.Equal(UInt128.One << 127, ranges[1].Start);
        }
    }

    [Fact]
    public void Steady_state_add_allocates_nothing_per_record()
    {
        var records = Enumerable.Range(0, 2000).Select(i => new UserRecord(Some.RequestId(i), Some.RealtimeLogLine(i))).ToArray();
        var emittedBytes = 0L;
        using var aggregator = new KplAggregator(
            new KplAggregatorOptions { ShardHashKeyRanges = HashKeyRange.SplitEvenly(4) },
            (in KinesisPutRecord r) => emittedBytes += r.Data.Length);
        foreach (var record in records)
        {
            aggregator.Add(record);
        }

        aggregator.Flush();

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var record in records)
        {
            aggregator.Add(record);
        }

        aggregator.Flush();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(emittedBytes > 0);
        Assert.True(allocated == 0, $"{allocated} bytes allocated for {records.Length} records");
    }
}
