using Gateway.Dashboards.Abnormal;
using Gateway.Dashboards.Live;
using Gateway.Dashboards.Rollups;
using Gateway.Streams;
using Gateway.Tests.Shared;

namespace Gateway.Dashboards.Tests.Live;

/// <summary>The feed: counting batches once across restarts, recent events without personal data, detector input.</summary>
public sealed class DashboardFeedTests : IDisposable
{
    private static readonly DateTimeOffset Ten = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Ten.AddMinutes(5));
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("gateway-feed-");

    private string SnapshotPath => Path.Combine(_folder.FullName, "rollups.bin");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task A_restart_resumes_from_the_snapshot_positions_and_counts_each_batch_once()
    {
        var options = new DashboardFeedOptions { SnapshotPath = SnapshotPath };
        var feed = DashboardFeed.Open(options, out var problem, _time);
        Assert.Null(problem);
        Assert.True((await feed.Checkpoints.GetAsync(DashboardFeed.EventsConsumer, "shard-0")).IsTrimHorizon);

        await feed.Events.ProcessAsync(Rows.Records("shard-0", 1, Enumerable.Range(0, 10).Select(_ => Rows.Event("px1", Ten))), default);
        feed.Save();
        // Counted after the snapshot, then the process dies: these are read again after the restart.
        await feed.Events.ProcessAsync(Rows.Records("shard-0", 11, Enumerable.Range(0, 5).Select(_ => Rows.Event("px1", Ten))), default);
        Assert.Equal(15, feed.TotalEvents);

        var resumed = DashboardFeed.Open(options, out problem, _time);
        Assert.Null(problem);
        Assert.Equal(10, resumed.TotalEvents);
        Assert.Equal(10, resumed.Rollups.Total("px1", Ten, Ten.AddHours(1), RollupStep.Minute).Events);
        var position = await resumed.Checkpoints.GetAsync(DashboardFeed.EventsConsumer, "shard-0");
        Assert.Equal(StreamPosition.After(10.ToString("D20", System.Globalization.CultureInfo.InvariantCulture)), position);
        Assert.True((await resumed.Checkpoints.GetAsync(DashboardFeed.EventsConsumer, "shard-1")).IsTrimHorizon);
        Assert.True((await resumed.Checkpoints.GetAsync(DashboardFeed.BadRowsConsumer, "shard-0")).IsTrimHorizon);

        // The consumer reads from that position: the five events are counted once.
        await resumed.Events.ProcessAsync(Rows.Records("shard-0", 11, Enumerable.Range(0, 5).Select(_ => Rows.Event("px1", Ten))), default);
        Assert.Equal(15, resumed.Rollups.Total("px1", Ten, Ten.AddHours(1), RollupStep.Minute).Events);
    }

    [Fact]
    public async Task A_corrupt_snapshot_is_moved_aside_and_reported()
    {
        var options = new DashboardFeedOptions { SnapshotPath = SnapshotPath };
        var feed = DashboardFeed.Open(options, out _, _time);
        await feed.Events.ProcessAsync(Rows.Records("shard-0", 1, [Rows.Event("px1", Ten)]), default);
        feed.Save();
        var bytes = File.ReadAllBytes(SnapshotPath);
        bytes[bytes.Length / 2] ^= 0x55;
        File.WriteAllBytes(SnapshotPath, bytes);

        var fresh = DashboardFeed.Open(options, out var problem, _time);

        Assert.NotNull(problem);
        Assert.Contains("moved to", problem, StringComparison.Ordinal);
        Assert.Equal(0, fresh.TotalEvents);
        Assert.False(File.Exists(SnapshotPath));
        Assert.Single(_folder.GetFiles("rollups.bin.corrupt-*"));
    }

    [Fact]
    public async Task Recent_events_are_newest_first_filtered_by_pixel_and_carry_no_personal_data()
    {
        var feed = DashboardFeed.Open(null, out _, _time);
        var rows = Enumerable.Range(0, 6).Select(i => Rows.Event(i % 2 == 0 ? "px1" : "px2", Ten.AddSeconds(i), r => r.EventName = $"e{i}")).ToList();
        await feed.Events.ProcessAsync(Rows.Records("shard-0", 1, rows), default);

        Assert.Equal(["e5", "e4", "e3", "e2", "e1", "e0"], feed.Recent.Latest(50).Select(e => e.Event));
        Assert.Equal(["e4", "e2"], feed.Recent.Latest(2, "px1").Select(e => e.Event));
        Assert.Equal(["e5", "e4"], feed.Recent.Latest(50, after: 4).Select(e => e.Event));
        var item = feed.Recent.Latest(1)[0];
        // The page without its query string (which can hold an email address); no ids, no address.
        Assert.Equal("shop.example/landing", item.Page);
        var text = item.ToString();
        foreach (var secret in new[] { "user-4711", "203.0.113", "click-secret", "someone", rows[5].VisitorId })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_re_enriched_batch_with_the_same_event_ids_is_counted_once()
    {
        var feed = DashboardFeed.Open(null, out _, _time);
        var rows = Enumerable.Range(0, 4).Select(_ => Rows.Event("px1", Ten)).ToList();

        await feed.Events.ProcessAsync(Rows.Records("shard-0", 1, rows), default);
        await feed.Events.ProcessAsync(Rows.Records("shard-0", 5, rows), default);

        Assert.Equal(4, feed.TotalEvents);
        Assert.Equal(4, feed.Duplicates);
        Assert.Equal(4, feed.Recent.Latest(50).Count);
    }

    [Fact]
    public void The_recent_ring_keeps_only_its_capacity()
    {
        var ring = new RecentEvents(capacity: 3);
        for (var i = 0; i < 10; i++)
        {
            ring.Add(Rows.Event("px1", Ten, r => r.EventName = $"e{i}"));
        }

        Assert.Equal(["e9", "e8", "e7"], ring.Latest(50).Select(e => e.Event));
        Assert.Equal(10, ring.LastSequence);
    }

    [Fact]
    public async Task Unreadable_records_are_counted_and_skipped_and_the_batch_position_still_moves()
    {
        var feed = DashboardFeed.Open(null, out _, _time);
        var good = Rows.Records("shard-0", 1, [Rows.Event("px1", Ten)]);
        StreamRecord bad = new("shard-0", "00000000000000000002", Ten, "k", "{not json"u8.ToArray());

        await feed.Events.ProcessAsync([.. good, bad], default);

        Assert.Equal(1, feed.TotalEvents);
        Assert.Equal(1, feed.Unreadable);
        Assert.Equal(StreamPosition.After("00000000000000000002"), await feed.Checkpoints.GetAsync(DashboardFeed.EventsConsumer, "shard-0"));
    }

    [Fact]
    public async Task A_burst_of_an_event_raises_an_alert_once_its_minutes_close()
    {
        var options = new DashboardFeedOptions { Detector = new AbnormalDetectorOptions { WarmUpMinutes = 10 } };
        var start = Ten;
        var feed = DashboardFeed.Open(options, out _, _time);
        long sequence = 1;
        for (var minute = 0; minute < 40; minute++)
        {
            var count = minute >= 36 ? 200 : 10;
            var at = start.AddMinutes(minute);
            await feed.Events.ProcessAsync(Rows.Records("shard-0", sequence, Enumerable.Range(0, count).Select(_ => Rows.Event("px1", at))), default);
            sequence += count;
            feed.Tick(at.AddMinutes(1).Add(options.DetectorGrace));
        }

        var alert = Assert.Single(feed.Detector.Current(start.AddMinutes(40)), a => a.Kind == AbnormalKind.EventRate);
        Assert.Equal(SeriesKey.EventRate("px1", "pageview"), alert.Series);
        Assert.Equal(AlertCause.Spike, alert.Cause);
        Assert.Equal(start.AddMinutes(36), alert.Start);
    }

    [Fact]
    public async Task Unknown_pixels_and_bad_rows_feed_their_own_series()
    {
        var options = new DashboardFeedOptions { IsKnownPixel = id => id == "px1", Detector = new AbnormalDetectorOptions { WarmUpMinutes = 10 } };
        var feed = DashboardFeed.Open(options, out _, _time);
        await feed.Events.ProcessAsync(Rows.Records("shard-0", 1, [Rows.Event("stranger", Ten), Rows.Event("px1", Ten)]), default);
        await feed.BadRows.ProcessAsync(Rows.BadRecords("shard-0", 1, Ten, "unparseable", "unparseable"), default);
        feed.Tick(Ten.AddMinutes(1).Add(options.DetectorGrace));

        Assert.Equal(2, feed.BadRowCount);
        var alert = Assert.Single(feed.Detector.Current(Ten.AddMinutes(1)));
        Assert.Equal(SeriesKey.UnknownPixel("stranger"), alert.Series);
        Assert.Equal(StreamPosition.After("00000000000000000002"), await feed.Checkpoints.GetAsync(DashboardFeed.BadRowsConsumer, "shard-0"));
    }
}
