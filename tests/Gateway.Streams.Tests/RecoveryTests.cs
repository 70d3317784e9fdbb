using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests;

public sealed class RecoveryTests
{
    private const string Shard = "shardId-000000000000";

    public enum Damage
    {
        GarbageAppended,
        TruncatedMidRecord,
        PayloadByteFlipped,
        HeaderByteFlipped,
    }

    [Theory]
    // Garbage after the last record: every record survives.
    [InlineData(Damage.GarbageAppended, 10)]
    // The last record cut in half (a torn write): it is dropped.
    [InlineData(Damage.TruncatedMidRecord, 9)]
    // The last record's payload damaged: its checksum fails, it is dropped.
    [InlineData(Damage.PayloadByteFlipped, 9)]
    // The last record's sequence number damaged: dropped too.
    [InlineData(Damage.HeaderByteFlipped, 9)]
    public async Task Torn_tail_is_truncated_on_reopen_and_numbering_continues(Damage damage, int survivors)
    {
        using var dir = new TempDirectory();
        await AppendPayloadsAsync(dir.Path, 1, 10);
        var segment = StreamFiles.Segments(dir.Path).Single();
        var validLength = new FileInfo(segment).Length;
        Corrupt(segment, damage);

        List<StreamRecord> afterRecovery;
        AppendResult next;
        StreamRecord appended;
        StreamMetrics metrics;
        await using (var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path)))
        {
            afterRecovery = await StreamFiles.ReadAllAsync(stream, Shard);
            next = await stream.AppendAsync("k", Some.Payload(99));
            appended = (await stream.ReadAsync(Shard, StreamPosition.After(afterRecovery[^1].SequenceNumber), 1)).Records[0];
            metrics = stream.GetMetrics();
        }

        Assert.Equal(Enumerable.Range(1, survivors).Select(i => (long)i), afterRecovery.Select(r => Some.PayloadId(r.Data.Span)));
        Assert.Equal((survivors + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), next.SequenceNumber);
        Assert.Equal(99, Some.PayloadId(appended.Data.Span));
        Assert.Equal(1, metrics.RecoveryTruncations);
        // The file holds exactly the survivors and the new record: the damage was cut, not skipped over.
        Assert.Equal(Enumerable.Range(1, survivors).Sum(RecordSize) + RecordSize(99), new FileInfo(segment).Length);
        Assert.True(validLength >= Enumerable.Range(1, survivors).Sum(RecordSize));
    }

    [Fact]
    public async Task Preallocated_zeros_left_by_a_crash_are_cut_without_counting_as_damage()
    {
        using var dir = new TempDirectory();
        await AppendPayloadsAsync(dir.Path, 1, 3);
        var segment = StreamFiles.Segments(dir.Path).Single();
        await using (var file = new FileStream(segment, FileMode.Append))
        {
            // What Durability.Fsync's zero-filled tail looks like when the process dies before closing the segment.
            file.Write(new byte[1024 * 1024]);
        }

        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));
        var next = await stream.AppendAsync("k", Some.Payload(4));

        Assert.Equal("4", next.SequenceNumber);
        Assert.Equal([1L, 2, 3, 4], (await StreamFiles.ReadAllAsync(stream, Shard)).Select(r => Some.PayloadId(r.Data.Span)));
        Assert.Equal(0, stream.GetMetrics().RecoveryTruncations);
    }

    [Fact]
    public async Task Intact_stream_reopens_without_truncation()
    {
        using var dir = new TempDirectory();
        await AppendPayloadsAsync(dir.Path, 1, 5);

        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));

        Assert.Equal(5, (await StreamFiles.ReadAllAsync(stream, Shard)).Count);
        Assert.Equal(0, stream.GetMetrics().RecoveryTruncations);
    }

    [Fact]
    public async Task Newest_segment_torn_at_its_first_record_keeps_the_numbering_of_its_name()
    {
        using var dir = new TempDirectory();
        var options = Some.Options(dir.Path) with { SegmentSize = 1024 };
        await using (var stream = await EmbeddedStream.OpenAsync(options))
        {
            for (var i = 1; i <= 4; i++)
            {
                await stream.AppendAsync("k", new byte[300]);
            }
        }

        // Records 1-3 fill the first segment; record 4 alone is in 00000000000000000004.seg. Tear it.
        var newest = StreamFiles.Segments(dir.Path)[^1];
        Assert.EndsWith("00000000000000000004.seg", newest, StringComparison.Ordinal);
        using (var file = File.OpenWrite(newest))
        {
            file.SetLength(20);
        }

        await using var reopened = await EmbeddedStream.OpenAsync(options);
        var next = await reopened.AppendAsync("k", new byte[300]);

        Assert.Equal("4", next.SequenceNumber);
        Assert.Equal(["1", "2", "3", "4"], (await StreamFiles.ReadAllAsync(reopened, Shard)).Select(r => r.SequenceNumber));
    }

    [Fact]
    public async Task Corrupt_record_in_an_older_segment_fails_reads_naming_file_and_offset()
    {
        using var dir = new TempDirectory();
        var options = Some.Options(dir.Path) with { SegmentSize = 1024 };
        await using (var stream = await EmbeddedStream.OpenAsync(options))
        {
            for (var i = 1; i <= 9; i++)
            {
                await stream.AppendAsync("k", new byte[300]);
            }
        }

        // Damage the second record of the oldest segment (records are 328 bytes).
        var oldest = StreamFiles.Segments(dir.Path)[0];
        FlipByte(oldest, 328 + 100);

        await using var reopened = await EmbeddedStream.OpenAsync(options);
        var first = await reopened.ReadAsync(Shard, StreamPosition.TrimHorizon, 1);
        var error = await Assert.ThrowsAsync<StreamCorruptionException>(() => reopened.ReadAsync(Shard, first.Next, 10).AsTask());

        Assert.Equal("1", first.Records.Single().SequenceNumber);
        Assert.Equal(oldest, error.FilePath);
        Assert.Equal(328, error.Offset);
        Assert.Contains("CRC-32C", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, reopened.GetMetrics().RecoveryTruncations);
    }

    [Fact]
    public async Task Tailing_reads_resume_from_the_cached_position_without_rescanning_the_segment()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));
        for (var id = 1; id <= 5; id++)
        {
            await stream.AppendAsync("k", Some.Payload(id));
        }

        var tail = await stream.ReadAsync(Shard, StreamPosition.TrimHorizon, 100);
        // Damage record 2 behind the reader's back: only a read that rescans from the segment start can notice.
        FlipByte(StreamFiles.Segments(dir.Path)[0], RecordSize(1) + 40);
        await stream.AppendAsync("k", Some.Payload(6));

        var next = await stream.ReadAsync(Shard, tail.Next, 100);

        Assert.Equal([6L], next.Records.Select(r => Some.PayloadId(r.Data.Span)));
        await Assert.ThrowsAsync<StreamCorruptionException>(() => stream.ReadAsync(Shard, StreamPosition.After("1"), 100).AsTask());
    }

    /// <summary>Encoded size of Some.Payload(id) under partition key "k": 27-byte header, 1 key byte, payload.</summary>
    private static int RecordSize(int id) => 27 + 1 + Some.Payload(id).Length;

    private static async Task AppendPayloadsAsync(string directory, int from, int to)
    {
        await using var stream = await EmbeddedStream.OpenAsync(Some.Options(directory));
        for (var id = from; id <= to; id++)
        {
            await stream.AppendAsync("k", Some.Payload(id));
        }
    }

    private static void Corrupt(string segment, Damage damage)
    {
        var length = new FileInfo(segment).Length;
        var lastRecord = RecordSize(10);
        switch (damage)
        {
            case Damage.GarbageAppended:
                using (var file = new FileStream(segment, FileMode.Append))
                {
                    file.Write([0xB1, 0x10, 0x00, 0x00, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02]);
                }

                break;
            case Damage.TruncatedMidRecord:
                using (var file = File.OpenWrite(segment))
                {
                    file.SetLength(length - (lastRecord / 2));
                }

                break;
            case Damage.PayloadByteFlipped:
                FlipByte(segment, length - 3);
                break;
            case Damage.HeaderByteFlipped:
                FlipByte(segment, length - lastRecord + 9);
                break;
        }
    }

    private static void FlipByte(string path, long offset)
    {
        using var file = File.Open(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x5A));
    }
}
