using Gateway.Dashboards.Sketches;
using Gateway.Processing.Enrichment;

namespace Gateway.Dashboards.Rollups;

/// <summary>
/// Per-pixel counters of the enriched events by UTC minute (48 hours) and by UTC hour (30 days), bounded in pixels, in
/// distinct values per dimension and in memory. Events are bucketed by their event time; one outside the retention (or
/// too far in the future) is refused and counted in <see cref="Refused"/>.
/// </summary>
/// <remarks>
/// <para>One writer adds while many readers ask for series: a lock guards the buckets, and every series is a copy, so a
/// reader never sees a bucket change under it.</para>
/// <para>Visitors: minute buckets keep a HyperLogLog of precision <see cref="MinuteVisitorPrecision"/> (standard error
/// 1.6 %, at most 4 KiB), hour buckets and the days built from them one of <see cref="HourVisitorPrecision"/> (0.81 %, at
/// most 16 KiB); both start sparse, a few bytes per visitor.</para>
/// <para>Memory budget: the per-dimension limits bound one bucket, but made-up pixel ids, event names, pages and
/// referrers spread over 2 880 minutes and 720 hours could still take gigabytes. The store keeps an estimate of its heap
/// bytes (<see cref="ApproximateBytes"/>) and, before each event, checks that the most one event can add still fits under
/// <see cref="RollupOptions.MaxBytes"/> less a reserve of one empty bucket per time slot. When it does not, the event is
/// still counted, in every counter (events, bots, opens, conversions), but degraded so that nothing grows: a new pixel id
/// counts under <see cref="RollupOptions.OtherPixel"/>; a known pixel with no bucket yet in that minute or hour counts in
/// the slot's <see cref="RollupOptions.OtherPixel"/> bucket (created from the reserve when missing); a value new to a
/// bucket's tally counts under <see cref="Tally.Other"/>; a page or referrer host not in the bucket's top list counts
/// under "(other)"; a visitor whose register would need a larger sketch is left out, so visitor counts become lower
/// bounds. Each degraded event is counted in <see cref="Degraded"/>. As old buckets leave the retention the memory
/// comes back and new values are kept again.</para>
/// </remarks>
public sealed partial class RollupStore
{
    /// <summary>Precision of the minute buckets' visitor sketches: 4 096 registers, standard error 1.04/64 = 1.6 %.</summary>
    public const int MinuteVisitorPrecision = 12;

    /// <summary>Precision of the hour (and day) buckets' visitor sketches: 16 384 registers, standard error 1.04/128 = 0.81 %.</summary>
    public const int HourVisitorPrecision = 14;

    // A HashSet<string> entry: hash, next and the reference; its buckets are one int per slot.
    private const int PixelSlotBytes = 4 + 16;
    private const int PixelSetBytes = 64 + 48;

    private readonly RollupOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Tier _minutes;
    private readonly Tier _hours;
    private readonly HashSet<string> _pixels = new(StringComparer.Ordinal);
    // What the buckets (and the tiers' slots) take; the pixel set is added in Used.
    private long _bytes;
    private long _pixelBytes;
    private bool _otherPixelUsed;
    private long _refused;
    private long _degraded;
    // MaxBytes less the reserve of one empty bucket per possible slot, and the most one event can add.
    private readonly long _softLimit;
    private readonly long _headroom;

    /// <summary>An empty store.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or <see cref="RollupOptions.MaxBytes"/> is below what the retention needs (the message says how much).</exception>
    public RollupStore(RollupOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new RollupOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxPixels, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MinuteRetention, TimeSpan.FromMinutes(1), nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Retention, TimeSpan.FromHours(1), nameof(options));
        // Minutes borrow their hour's strings, so no minute may outlive its hour.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.MinuteRetention, _options.Retention, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxFuture, TimeSpan.Zero, nameof(options));
        ArgumentNullException.ThrowIfNull(_options.Limits, nameof(options));
        _time = time ?? TimeProvider.System;
        _minutes = new Tier(TimeSpan.TicksPerMinute, _options.MinuteRetention, MinuteVisitorPrecision, _options);
        _hours = new Tier(TimeSpan.TicksPerHour, _options.Retention, HourVisitorPrecision, _options);
        var reserve = _minutes.Reserve + _hours.Reserve;
        var pixelSetGrowth = 3L * (_options.MaxPixels + 1) * PixelSlotBytes;
        _headroom = _minutes.MaxGrowth + _hours.MaxGrowth + pixelSetGrowth;
        _softLimit = _options.MaxBytes - reserve;
        if (_softLimit - _headroom < PixelSetBytes)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                $"RollupOptions.MaxBytes is {_options.MaxBytes} bytes, but these retentions and limits need at least {reserve + _headroom + PixelSetBytes} ({reserve} in reserve for one bucket per minute and hour kept, {_headroom} for the largest single event); raise MaxBytes or shorten the retention.");
        }
    }

    /// <summary>Events refused: dated outside the retention or too far ahead of the clock.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Events counted while the memory budget was reached, in the degraded way the remarks describe.</summary>
    public long Degraded => Interlocked.Read(ref _degraded);

    /// <summary>An estimate of the heap bytes the store holds (buckets, tallies, sketches, their strings, the pixel set); at most <see cref="RollupOptions.MaxBytes"/>.</summary>
    public long ApproximateBytes
    {
        get
        {
            lock (_gate)
            {
                return Used;
            }
        }
    }

    /// <summary>The pixel ids seen, in ordinal order (<see cref="RollupOptions.OtherPixel"/> once anything was counted under it).</summary>
    public IReadOnlyList<string> Pixels
    {
        get
        {
            lock (_gate)
            {
                var pixels = _otherPixelUsed ? _pixels.Append(RollupOptions.OtherPixel) : _pixels;
                return [.. pixels.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The options this store runs with.</summary>
    internal RollupOptions Options => _options;

    /// <summary>The clock this store runs with.</summary>
    internal TimeProvider Time => _time;

    private long Used => _bytes + _pixelBytes + PixelSetBytes + ((long)_pixels.EnsureCapacity(0) * PixelSlotBytes);

    /// <summary>Counts <paramref name="row"/> in its minute and hour; false when it is refused.</summary>
    public bool Add(EventRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var now = _time.GetUtcNow().UtcTicks;
        var at = row.EventTime.UtcTicks;
        if (at > now + _options.MaxFuture.Ticks || at < now - _options.Retention.Ticks)
        {
            Interlocked.Increment(ref _refused);
            return false;
        }

        // Hashed once for both tiers, and outside the lock.
        ulong? visitor = row.VisitorId is { Length: > 0 } id ? HyperLogLog.Hash(id) : null;
        lock (_gate)
        {
            // Pruning first gives the memory of expired buckets back before this event is judged against the budget.
            _bytes -= _minutes.Prune(now) + _hours.Prune(now);
            var mayGrow = Used + _headroom + SpaceSaving.StringBytes(row.PixelId.Length) <= _softLimit;
            if (!mayGrow)
            {
                _degraded++;
            }

            var pixel = PixelOf(row.PixelId, mayGrow);
            var toOther = false;
            _bytes += _hours.Add(at, pixel, row, visitor, mayGrow, shared: null, ref toOther, out var hour);
            if (at >= now - _options.MinuteRetention.Ticks)
            {
                // The hour outlives its minutes, so a minute can keep the hour's copy of each value.
                _bytes += _minutes.Add(at, pixel, row, visitor, mayGrow, hour, ref toOther, out _);
            }

            _otherPixelUsed |= toOther;
        }

        return true;
    }

    /// <summary>
    /// The points of [<paramref name="from"/>, <paramref name="to"/>) at <paramref name="step"/>, one per minute, hour or
    /// UTC day that has events and overlaps the range, oldest first; of one pixel, or of all summed when
    /// <paramref name="pixel"/> is null. Every point is a copy.
    /// </summary>
    public IReadOnlyList<RollupPoint> Series(string? pixel, DateTimeOffset from, DateTimeOffset to, RollupStep step)
    {
        var (tier, width) = step switch
        {
            RollupStep.Minute => (_minutes, TimeSpan.TicksPerMinute),
            RollupStep.Hour => (_hours, TimeSpan.TicksPerHour),
            RollupStep.Day => (_hours, TimeSpan.TicksPerDay),
            _ => throw new ArgumentOutOfRangeException(nameof(step), step, "The step is minute, hour or day."),
        };
        var first = Floor(from.UtcTicks, width);
        var end = to.UtcTicks <= first ? first : Floor(to.UtcTicks - 1, width) + width;
        var points = new List<RollupPoint>();
        lock (_gate)
        {
            RollupBucket? sum = null;
            var pointStart = long.MinValue;
            foreach (var (start, slot) in tier.Range(first, end))
            {
                var at = Floor(start, width);
                if (at != pointStart && sum is not null)
                {
                    points.Add(new RollupPoint(new DateTimeOffset(pointStart, TimeSpan.Zero), sum));
                    sum = null;
                }

                pointStart = at;
                foreach (var bucket in slot.Buckets(pixel))
                {
                    (sum ??= new RollupBucket(_options.Limits, tier.Precision)).Merge(bucket);
                }
            }

            if (sum is not null)
            {
                points.Add(new RollupPoint(new DateTimeOffset(pointStart, TimeSpan.Zero), sum));
            }
        }

        return points;
    }

    /// <summary>The sum of the points of <see cref="Series"/>: one bucket for the whole range (visitors are the union, not the sum).</summary>
    public RollupBucket Total(string? pixel, DateTimeOffset from, DateTimeOffset to, RollupStep step)
    {
        var total = new RollupBucket(_options.Limits, step == RollupStep.Minute ? MinuteVisitorPrecision : HourVisitorPrecision);
        foreach (var point in Series(pixel, from, to, step))
        {
            total.Merge(point.Bucket);
        }

        return total;
    }

    private static long Floor(long ticks, long width) => ticks - (((ticks % width) + width) % width);

    // The pixel set's own instance of the id, so buckets of every slot share one string.
    private string PixelOf(string id, bool mayGrow)
    {
        if (_pixels.TryGetValue(id, out var known))
        {
            return known;
        }

        if (id == RollupOptions.OtherPixel || _pixels.Count >= _options.MaxPixels || !mayGrow)
        {
            return RollupOptions.OtherPixel;
        }

        _pixels.Add(id);
        _pixelBytes += SpaceSaving.StringBytes(id.Length);
        return id;
    }
}
