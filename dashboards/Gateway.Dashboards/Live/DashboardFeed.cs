using Gateway.Dashboards.Abnormal;
using Gateway.Dashboards.Rollups;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;
using Gateway.Streams;

namespace Gateway.Dashboards.Live;

/// <summary>Settings of a <see cref="DashboardFeed"/>.</summary>
public sealed record DashboardFeedOptions
{
    /// <summary>The snapshot file (rollups, detector state, stream positions); null keeps everything in memory only.</summary>
    public string? SnapshotPath { get; init; }

    /// <summary>How often the snapshot is written. Default 30 s; a crash recounts at most this much from the streams.</summary>
    public TimeSpan SnapshotInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retention and bounds of the rollups.</summary>
    public RollupOptions Rollups { get; init; } = new();

    /// <summary>Settings of the abnormal-event detector.</summary>
    public AbnormalDetectorOptions Detector { get; init; } = new();

    /// <summary>
    /// Whether a pixel id is configured (the forward settings know them). When set, events of other ids feed the
    /// unknown-pixel alerts instead of an event-rate series each; null follows every pixel id.
    /// </summary>
    public Func<string, bool>? IsKnownPixel { get; init; }

    /// <summary>How long after a minute ends its totals are judged, so events still in the pipeline count. Default 5 s.</summary>
    public TimeSpan DetectorGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many recent events are kept for the table. Default 500.</summary>
    public int RecentCapacity { get; init; } = 500;
}

/// <summary>
/// Feeds the dashboard from the enriched streams: every event row goes into the rollups, the recent-events ring and the
/// live per-second count, and per-minute totals (by arrival minute) into the abnormal-event detector; every bad row into
/// the bad-row rate.
/// </summary>
/// <remarks>
/// Restart-safe without double counting: the stream positions live in the snapshot next to the counts they produced,
/// written under the same lock that applies a batch, and the consumers start from them (<see cref="Checkpoints"/>). After a
/// crash the batches since the last snapshot are read and counted again, once. Events that reach the detector more than
/// <see cref="DashboardFeedOptions.DetectorGrace"/> after their minute ended are counted in the rollups but not judged.
/// </remarks>
public sealed class DashboardFeed
{
    /// <summary>The consumer name on the events stream.</summary>
    public const string EventsConsumer = "dashboard-events";

    /// <summary>The consumer name on the bad-rows stream.</summary>
    public const string BadRowsConsumer = "dashboard-bad-rows";

    private const int LiveSeconds = 64;

    private readonly DashboardFeedOptions _options;
    private readonly TimeProvider _time;
    // Orders batches against snapshots: a snapshot holds the counts of exactly the batches its positions say.
    private readonly Lock _apply = new();
    private readonly Dictionary<string, string> _positions;
    private readonly long[] _perSecond = new long[LiveSeconds];
    private readonly long[] _secondOf = new long[LiveSeconds];
    // The enrich stage may append a batch again after a crash (the lake drops such repeats by event id); so does this.
    private readonly EventIdDeduplicator _seen;
    private long _totalEvents;
    private long _badRows;
    private long _unreadable;
    private DateTimeOffset _lastSave;

    private DashboardFeed(DashboardFeedOptions options, TimeProvider time, RollupStore rollups, AbnormalDetector detector, Dictionary<string, string> positions, long totalEvents)
    {
        _options = options;
        _time = time;
        Rollups = rollups;
        Detector = detector;
        _positions = positions;
        _totalEvents = totalEvents;
        Recent = new RecentEvents(options.RecentCapacity);
        Checkpoints = new PositionStore(this);
        Events = new Processor(this, EventsConsumer, isEvents: true);
        BadRows = new Processor(this, BadRowsConsumer, isEvents: false);
        _lastSave = time.GetUtcNow();
        _seen = new EventIdDeduplicator(time);
    }

    /// <summary>The settings this feed runs with.</summary>
    public DashboardFeedOptions Options => _options;

    /// <summary>The per-pixel counters.</summary>
    public RollupStore Rollups { get; }

    /// <summary>The abnormal-event detector.</summary>
    public AbnormalDetector Detector { get; }

    /// <summary>The last events, for the recent table.</summary>
    public RecentEvents Recent { get; }

    /// <summary>Where the consumers of <see cref="Events"/> and <see cref="BadRows"/> start: the positions in the snapshot.</summary>
    public ICheckpointStore Checkpoints { get; }

    /// <summary>The processor of the events stream (consumer <see cref="EventsConsumer"/>).</summary>
    public IBatchProcessor Events { get; }

    /// <summary>The processor of the bad-rows stream (consumer <see cref="BadRowsConsumer"/>).</summary>
    public IBatchProcessor BadRows { get; }

    /// <summary>Events counted since the rollups began (kept across restarts).</summary>
    public long TotalEvents => Interlocked.Read(ref _totalEvents);

    /// <summary>Bad rows seen by this process.</summary>
    public long BadRowCount => Interlocked.Read(ref _badRows);

    /// <summary>Events skipped because their event id was counted within the last 10 minutes (a re-enriched batch).</summary>
    public long Duplicates => _seen.DuplicatesDropped;

    /// <summary>Records of the streams that could not be read as a row (counted, skipped).</summary>
    public long Unreadable => Interlocked.Read(ref _unreadable);

    /// <summary>
    /// A feed resumed from the snapshot when there is one, else empty. A snapshot that cannot be read is moved aside
    /// (<c>.corrupt-&lt;time&gt;</c>) and the feed starts empty from the streams' oldest records; <paramref name="problem"/>
    /// then says so.
    /// </summary>
    public static DashboardFeed Open(DashboardFeedOptions? options, out string? problem, TimeProvider? time = null)
    {
        options ??= new DashboardFeedOptions();
        time ??= TimeProvider.System;
        problem = null;
        if (options.SnapshotPath is { } path)
        {
            try
            {
                if (RollupSnapshot.Load(path, options.Rollups, options.Detector, time) is { } snapshot)
                {
                    return new DashboardFeed(options, time, snapshot.Rollups, snapshot.Detector, new Dictionary<string, string>(snapshot.Positions, StringComparer.Ordinal), snapshot.TotalEvents);
                }
            }
            catch (InvalidDataException ex)
            {
                var aside = $"{path}.corrupt-{time.GetUtcNow():yyyyMMddTHHmmssZ}";
                File.Move(path, aside, overwrite: true);
                problem = $"{ex.Message}; moved to {aside}, the dashboard recounts what the streams still hold";
            }
        }

        return new DashboardFeed(options, time, new RollupStore(options.Rollups, time), new AbnormalDetector(options.Detector), new Dictionary<string, string>(StringComparer.Ordinal), 0);
    }

    /// <summary>Events that arrived in the second before <paramref name="now"/>'s second.</summary>
    public long LastSecond(DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds() - 1;
        var slot = (int)(second % LiveSeconds);
        lock (_perSecond)
        {
            return _secondOf[slot] == second ? _perSecond[slot] : 0;
        }
    }

    /// <summary>Closes the detector's minutes that ended more than the grace before <paramref name="now"/>.</summary>
    public void Tick(DateTimeOffset now) => Detector.Advance(now - _options.DetectorGrace);

    /// <summary>Writes the snapshot (when a path is set); a failure is thrown to the caller, the feed keeps running.</summary>
    public void Save()
    {
        if (_options.SnapshotPath is not { } path)
        {
            return;
        }

        lock (_apply)
        {
            RollupSnapshot.Save(path, new RollupSnapshot(Rollups, Detector, new Dictionary<string, string>(_positions, StringComparer.Ordinal), TotalEvents));
        }
    }

    /// <summary>
    /// Closes detector minutes every second and writes the snapshot every <see cref="DashboardFeedOptions.SnapshotInterval"/>
    /// and once more when <paramref name="stop"/> fires. A failed write is reported and tried again next interval.
    /// </summary>
    public async Task RunAsync(Action<Exception>? onSaveFailure, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var now = _time.GetUtcNow();
                Tick(now);
                if (now - _lastSave >= _options.SnapshotInterval)
                {
                    _lastSave = now;
                    TrySave(onSaveFailure);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: the last snapshot below.
        }

        TrySave(onSaveFailure);
    }

    private void TrySave(Action<Exception>? onFailure)
    {
        try
        {
            Save();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            onFailure?.Invoke(ex);
        }
    }

    private void ApplyEvents(string consumer, IReadOnlyList<StreamRecord> batch)
    {
        var minutes = new Dictionary<(long Minute, SeriesKey Key), (double Sum, double Weight)>();
        var arrived = 0L;
        lock (_apply)
        {
            foreach (var record in batch)
            {
                if (TryRead(record, EventRowJson.Read) is not { } row)
                {
                    continue;
                }

                if (row.EventId.Length > 0 && !_seen.TryAdd(row.EventId))
                {
                    continue;
                }

                Rollups.Add(row);
                Recent.Add(row);
                arrived++;
                Observe(minutes, row);
            }

            // In the lock too: a snapshot holds the detector's minutes of exactly the batches its positions say.
            foreach (var ((minute, key), (sum, weight)) in minutes)
            {
                var at = DateTimeOffset.FromUnixTimeSeconds(minute * 60);
                if (key.Kind == AbnormalKind.BotShare)
                {
                    Detector.Observe(at, key, sum / weight, weight);
                }
                else
                {
                    Detector.Observe(at, key, sum);
                }
            }

            Interlocked.Add(ref _totalEvents, arrived);
            _positions[PositionKey(consumer, batch[^1].ShardId)] = batch[^1].SequenceNumber;
        }

        CountArrivals(arrived);
    }

    private void Observe(Dictionary<(long, SeriesKey), (double Sum, double Weight)> minutes, EventRow row)
    {
        var minute = row.ReceivedTime.ToUnixTimeSeconds() / 60;
        if (_options.IsKnownPixel is { } known && !known(row.PixelId))
        {
            Add(minutes, (minute, SeriesKey.UnknownPixel(row.PixelId)), 1, 0);
            return;
        }

        Add(minutes, (minute, SeriesKey.EventRate(row.PixelId, row.EventName)), 1, 0);
        Add(minutes, (minute, SeriesKey.BotShare(row.PixelId)), row.IsBot ? 1 : 0, 1);
        if (row.Notes is { } notes && notes.Contains(ForwardRouter.DomainBlockedNote, StringComparison.Ordinal))
        {
            Add(minutes, (minute, SeriesKey.BlockedDomain(row.PixelId, row.PageHost ?? "")), 1, 0);
        }
    }

    private static void Add(Dictionary<(long, SeriesKey), (double Sum, double Weight)> minutes, (long, SeriesKey) key, double value, double weight)
    {
        var (sum, total) = minutes.GetValueOrDefault(key);
        minutes[key] = (sum + value, total + weight);
    }

    private void ApplyBadRows(string consumer, IReadOnlyList<StreamRecord> batch)
    {
        var minutes = new Dictionary<(long Minute, string Reason), long>();
        lock (_apply)
        {
            foreach (var record in batch)
            {
                if (TryRead(record, EventRowJson.ReadBadRow) is not { } row)
                {
                    continue;
                }

                var key = (record.ApproximateArrivalTimestamp.ToUnixTimeSeconds() / 60, row.Reason);
                minutes[key] = minutes.GetValueOrDefault(key) + 1;
                Interlocked.Increment(ref _badRows);
            }

            foreach (var ((minute, reason), count) in minutes)
            {
                var at = DateTimeOffset.FromUnixTimeSeconds(minute * 60);
                Detector.Observe(at, SeriesKey.BadRowRate(), count);
                if (reason.Length > 0)
                {
                    Detector.Observe(at, SeriesKey.BadRowRate(reason), count);
                }
            }

            _positions[PositionKey(consumer, batch[^1].ShardId)] = batch[^1].SequenceNumber;
        }
    }

    // The enrich stage wrote the record; one that does not read back is counted, not allowed to stop the feed.
    private T? TryRead<T>(StreamRecord record, JsonReader<T> read)
        where T : class
    {
        try
        {
            return read(record.Data.Span);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
        {
            Interlocked.Increment(ref _unreadable);
            return null;
        }
    }

    private delegate T JsonReader<out T>(ReadOnlySpan<byte> json);

    private void CountArrivals(long count)
    {
        var second = _time.GetUtcNow().ToUnixTimeSeconds();
        var slot = (int)(second % LiveSeconds);
        lock (_perSecond)
        {
            if (_secondOf[slot] != second)
            {
                _secondOf[slot] = second;
                _perSecond[slot] = 0;
            }

            _perSecond[slot] += count;
        }
    }

    private static string PositionKey(string consumer, string shard) => consumer + "/" + shard;

    private sealed class Processor(DashboardFeed feed, string consumer, bool isEvents) : IBatchProcessor
    {
        public ValueTask ProcessAsync(IReadOnlyList<StreamRecord> batch, CancellationToken cancellationToken)
        {
            if (batch.Count > 0)
            {
                if (isEvents)
                {
                    feed.ApplyEvents(consumer, batch);
                }
                else
                {
                    feed.ApplyBadRows(consumer, batch);
                }
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Positions come from the snapshot; commits are already recorded by the processors with their batch.</summary>
    private sealed class PositionStore(DashboardFeed feed) : ICheckpointStore
    {
        public ValueTask<StreamPosition> GetAsync(string consumer, string shardId, CancellationToken cancellationToken = default)
        {
            lock (feed._apply)
            {
                return ValueTask.FromResult(feed._positions.TryGetValue(PositionKey(consumer, shardId), out var sequence) ? StreamPosition.After(sequence) : StreamPosition.TrimHorizon);
            }
        }

        public ValueTask CommitAsync(string consumer, string shardId, StreamPosition position, CancellationToken cancellationToken = default)
        {
            // The processor recorded this batch's end with its counts, under the same lock; a top-up read by the
            // consumer ends at the same record, so there is nothing more to do here.
            return ValueTask.CompletedTask;
        }
    }
}
