using Gateway.Processing.Enrichment;

namespace Gateway.Dashboards.Rollups;

/// <summary>The resolution of a series.</summary>
public enum RollupStep
{
    /// <summary>One point per UTC minute (kept for <see cref="RollupOptions.MinuteRetention"/>).</summary>
    Minute,

    /// <summary>One point per UTC hour (kept for <see cref="RollupOptions.Retention"/>).</summary>
    Hour,
}

/// <summary>Retention and bounds of a <see cref="RollupStore"/>.</summary>
public sealed record RollupOptions
{
    /// <summary>How long minute buckets are kept. Default 48 hours.</summary>
    public TimeSpan MinuteRetention { get; init; } = TimeSpan.FromHours(48);

    /// <summary>How long hour buckets are kept. Default 30 days, the forward metrics' retention.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Distinct pixel ids kept; events of further ones count under <see cref="OtherPixel"/>.</summary>
    public int MaxPixels { get; init; } = 1_000;

    /// <summary>How far ahead of the clock an event may be dated; later ones are refused (a wrong client clock).</summary>
    public TimeSpan MaxFuture { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Distinct values per dimension in a bucket.</summary>
    public RollupLimits Limits { get; init; } = new();

    /// <summary>The pixel id that collects events past <see cref="MaxPixels"/>.</summary>
    public const string OtherPixel = "(other)";
}

/// <summary>One point of a series: the bucket starting at <paramref name="Time"/>.</summary>
public sealed record RollupPoint(DateTimeOffset Time, RollupBucket Bucket);

/// <summary>
/// Per-pixel counters of the enriched events by UTC minute (48 hours) and by UTC hour (30 days), bounded in pixels and
/// in distinct values per dimension. Events are bucketed by their event time; one outside the retention (or too far in
/// the future) is refused and counted in <see cref="Refused"/>.
/// </summary>
/// <remarks>One writer adds while many readers ask for series: a lock guards the buckets, and every series is a copy, so a
/// reader never sees a bucket change under it.</remarks>
public sealed class RollupStore
{
    private readonly RollupOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Tier _minutes;
    private readonly Tier _hours;
    private readonly HashSet<string> _pixels = new(StringComparer.Ordinal);
    private long _refused;

    /// <summary>An empty store.</summary>
    public RollupStore(RollupOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new RollupOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxPixels, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MinuteRetention, TimeSpan.FromMinutes(1), nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Retention, TimeSpan.FromHours(1), nameof(options));
        _time = time ?? TimeProvider.System;
        _minutes = new Tier(TimeSpan.TicksPerMinute, _options.MinuteRetention);
        _hours = new Tier(TimeSpan.TicksPerHour, _options.Retention);
    }

    /// <summary>Events refused: dated outside the retention or too far ahead of the clock.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The pixel ids seen, in ordinal order.</summary>
    public IReadOnlyList<string> Pixels
    {
        get
        {
            lock (_gate)
            {
                return [.. _pixels.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Counts <paramref name="row"/> in its minute and hour; false when it is refused.</summary>
    public bool Add(EventRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var now = _time.GetUtcNow();
        var at = row.EventTime.UtcTicks;
        if (at > (now + _options.MaxFuture).UtcTicks || at < (now - _options.Retention).UtcTicks)
        {
            Interlocked.Increment(ref _refused);
            return false;
        }

        lock (_gate)
        {
            var pixel = PixelOf(row.PixelId);
            if (at >= (now - _options.MinuteRetention).UtcTicks)
            {
                _minutes.Bucket(at, pixel, _options.Limits).Add(row);
            }

            _hours.Bucket(at, pixel, _options.Limits).Add(row);
            _minutes.Prune(now.UtcTicks);
            _hours.Prune(now.UtcTicks);
        }

        return true;
    }

    /// <summary>
    /// The points of [<paramref name="from"/>, <paramref name="to"/>) at <paramref name="step"/>, one per bucket that has
    /// events, oldest first; of one pixel, or of all summed when <paramref name="pixel"/> is null.
    /// </summary>
    public IReadOnlyList<RollupPoint> Series(string? pixel, DateTimeOffset from, DateTimeOffset to, RollupStep step)
    {
        var tier = step == RollupStep.Minute ? _minutes : _hours;
        var points = new List<RollupPoint>();
        lock (_gate)
        {
            foreach (var (start, pixels) in tier.Range(from.UtcTicks, to.UtcTicks))
            {
                RollupBucket? sum = null;
                foreach (var (id, bucket) in pixels)
                {
                    if (pixel is null || id == pixel)
                    {
                        (sum ??= new RollupBucket(_options.Limits)).Merge(bucket);
                    }
                }

                if (sum is not null)
                {
                    points.Add(new RollupPoint(new DateTimeOffset(start, TimeSpan.Zero), sum));
                }
            }
        }

        return points;
    }

    /// <summary>The sum of the points of <see cref="Series"/>: one bucket for the whole range.</summary>
    public RollupBucket Total(string? pixel, DateTimeOffset from, DateTimeOffset to, RollupStep step)
    {
        var total = new RollupBucket(_options.Limits);
        foreach (var point in Series(pixel, from, to, step))
        {
            total.Merge(point.Bucket);
        }

        return total;
    }

    private string PixelOf(string id)
    {
        if (_pixels.Contains(id))
        {
            return id;
        }

        if (_pixels.Count >= _options.MaxPixels)
        {
            _pixels.Add(RollupOptions.OtherPixel);
            return RollupOptions.OtherPixel;
        }

        _pixels.Add(id);
        return id;
    }

    /// <summary>Buckets of one resolution: start (UTC ticks) → pixel → counters, pruned past the retention.</summary>
    private sealed class Tier(long width, TimeSpan retention)
    {
        private readonly SortedDictionary<long, Dictionary<string, RollupBucket>> _buckets = [];

        // When the oldest bucket's whole span falls out of the retention: until then pruning has nothing to do.
        private long _oldestEnd = long.MaxValue;

        public RollupBucket Bucket(long ticks, string pixel, RollupLimits limits)
        {
            var start = ticks - (ticks % width);
            if (!_buckets.TryGetValue(start, out var pixels))
            {
                _buckets[start] = pixels = new Dictionary<string, RollupBucket>(StringComparer.Ordinal);
                _oldestEnd = Math.Min(_oldestEnd, start + width);
            }

            if (!pixels.TryGetValue(pixel, out var bucket))
            {
                pixels[pixel] = bucket = new RollupBucket(limits);
            }

            return bucket;
        }

        public IEnumerable<KeyValuePair<long, Dictionary<string, RollupBucket>>> Range(long from, long to) =>
            _buckets.Where(b => b.Key + width > from && b.Key < to);

        public void Prune(long now)
        {
            // The oldest buckets go when their whole span is past the retention.
            var cutoff = now - retention.Ticks;
            if (_oldestEnd > cutoff)
            {
                return;
            }

            while (_buckets.Count > 0 && _buckets.First() is var oldest && oldest.Key + width <= cutoff)
            {
                _buckets.Remove(oldest.Key);
            }

            _oldestEnd = _buckets.Count > 0 ? _buckets.First().Key + width : long.MaxValue;
        }
    }
}
