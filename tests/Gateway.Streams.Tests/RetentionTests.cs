using Gateway.Streams.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Streams.Tests;

public sealed class RetentionTests
{
    private const string Shard = "shardId-000000000000";

    // 300-byte records under key "k" encode to 328 bytes: three per 1024-byte segment. The periodic check is
    // pushed out of the way so each test decides when retention runs.
    private static EmbeddedStreamOptions SmallSegments(string directory) => Some.Options(directory) with
    {
        SegmentSize = 1024,
        RetentionPeriod = TimeSpan.FromDays(1),
        RetentionCheckInterval = TimeSpan.FromDays(365),
    };

    [Fact]
    public async Task Segments_whose_newest_record_is_older_than_the_period_are_deleted()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider();
        await using var stream = await EmbeddedStream.OpenAsync(SmallSegments(dir.Path), clock);
        await AppendAsync(stream, 1, 9); // segments 1, 4, 7 at day 0
        clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromHours(1));
        await AppendAsync(stream, 10, 12); // segment 10 at day 2

        var deleted = await stream.ApplyRetentionAsync();

        // Segments 1 and 4 are older than a day. Segment 7 is too, but only the next segment's first record bounds
        // its age, and that one is new, so it stays (retention errs towards keeping data).
        Assert.Equal(2, deleted);
        Assert.Equal(["00000000000000000007.seg", "00000000000000000010.seg"], StreamFiles.Segments(dir.Path).Select(Path.GetFileName));
        Assert.Equal(2, stream.GetMetrics().SegmentsDeleted);
    }

    [Fact]
    public async Task Reads_of_deleted_positions_continue_at_the_oldest_remaining_record_and_count_the_skip()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider();
        await using var stream = await EmbeddedStream.OpenAsync(SmallSegments(dir.Path), clock);
        await AppendAsync(stream, 1, 9);
        clock.Advance(TimeSpan.FromDays(2));
        await AppendAsync(stream, 10, 10);
        await stream.ApplyRetentionAsync();

        var fromStart = await stream.ReadAsync(Shard, StreamPosition.TrimHorizon, 100);
        var fromDeleted = await stream.ReadAsync(Shard, StreamPosition.After("2"), 100);

        Assert.Equal(["7", "8", "9", "10"], fromStart.Records.Select(r => r.SequenceNumber));
        Assert.Equal(6, fromStart.ExpiredRecordsSkipped);
        Assert.Equal("7", fromDeleted.Records[0].SequenceNumber);
        Assert.Equal(4, fromDeleted.ExpiredRecordsSkipped);
        Assert.Equal(10, stream.GetMetrics().ExpiredRecordsSkipped);
    }

    [Fact]
    public async Task The_active_segment_is_never_deleted_even_when_all_records_are_old()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider();
        await using var stream = await EmbeddedStream.OpenAsync(SmallSegments(dir.Path) with { MaxBytesPerShard = 1 }, clock);
        await AppendAsync(stream, 1, 8); // segments 1, 4, 7 (active, two records)
        clock.Advance(TimeSpan.FromDays(30));

        await stream.ApplyRetentionAsync();
        var next = await stream.AppendAsync("k", new byte[300]);

        Assert.Equal(["00000000000000000007.seg"], StreamFiles.Segments(dir.Path).Select(Path.GetFileName));
        Assert.Equal(["7", "8", "9"], (await StreamFiles.ReadAllAsync(stream, Shard)).Select(r => r.SequenceNumber));
        Assert.Equal("9", next.SequenceNumber);
    }

    [Fact]
    public async Task Oldest_segments_are_deleted_while_a_shard_exceeds_its_size_cap()
    {
        using var dir = new TempDirectory();
        await using var stream = await EmbeddedStream.OpenAsync(SmallSegments(dir.Path) with { MaxBytesPerShard = 2048 }, new FakeTimeProvider());
        await AppendAsync(stream, 1, 12); // four full segments of 984 bytes

        var deleted = await stream.ApplyRetentionAsync();

        Assert.Equal(2, deleted);
        Assert.True(StreamFiles.Segments(dir.Path).Sum(s => new FileInfo(s).Length) <= 2048);
        Assert.Equal("7", (await stream.ReadAsync(Shard, StreamPosition.TrimHorizon, 1)).Records[0].SequenceNumber);
    }

    [Fact]
    public async Task Retention_runs_on_its_own_every_check_interval()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider();
        await using var stream = await EmbeddedStream.OpenAsync(SmallSegments(dir.Path) with { RetentionCheckInterval = TimeSpan.FromHours(1) }, clock);
        await AppendAsync(stream, 1, 9); // segments 1, 4, 7 (active)
        var beforeExpiry = StreamFiles.Segments(dir.Path).Length;

        clock.Advance(TimeSpan.FromDays(2));

        Assert.Equal(3, beforeExpiry);
        Assert.Equal(["00000000000000000007.seg"], StreamFiles.Segments(dir.Path).Select(Path.GetFileName));
        Assert.Equal(2, stream.GetMetrics().SegmentsDeleted);
    }

    [Fact]
    public async Task Retention_applies_to_segments_found_on_disk_when_the_stream_opens()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider();
        await using (var stream = await EmbeddedStream.OpenAsync(SmallSegments(dir.Path), clock))
        {
            await AppendAsync(stream, 1, 9);
            clock.Advance(TimeSpan.FromDays(2));
            await AppendAsync(stream, 10, 10);
        }

        await using var reopened = await EmbeddedStream.OpenAsync(SmallSegments(dir.Path), clock);

        Assert.Equal("7", (await reopened.ReadAsync(Shard, StreamPosition.TrimHorizon, 1)).Records[0].SequenceNumber);
        Assert.Equal(2, reopened.GetMetrics().SegmentsDeleted);
    }

    private static async Task AppendAsync(EmbeddedStream stream, int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            await stream.AppendAsync("k", new byte[300]);
        }
    }
}
