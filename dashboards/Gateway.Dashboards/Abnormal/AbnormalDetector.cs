using Gateway.Dashboards.Abnormal.Internal;

namespace Gateway.Dashboards.Abnormal;

/// <summary>
/// Finds abnormal minutes in per-minute series (event rates, bot share, bad rows, unknown pixel ids, blocked domains) and
/// keeps the resulting alerts: the active ones and a bounded history of ended ones.
/// </summary>
/// <remarks>
/// <para>
/// Each series has an EWMA baseline of mean and variance (<see cref="AbnormalDetectorOptions.HalfLife"/>). A minute's
/// z-score is (value − mean) / max(baseline deviation, floor), with no seasonal model: the one-hour half-life follows the
/// daily curve. The floor keeps steady or sparse series from dividing by almost nothing: √mean + 1 for counts (a Poisson
/// deviation plus one event), and for a share the binomial deviation √(p(1 − p)/n) of the minute's n events, with p the
/// baseline share moved toward ½ by one pseudo-event on each side so a share that was always 0 still has a deviation.
/// After the warm-up, each minute teaches the baseline only up to half the threshold's deviations from the mean, so a spike
/// or an outage does not inflate the variance and blind the series for hours, while a lasting change of level still
/// becomes the new normal over a few hours.
/// </para>
/// <para>
/// Minutes: the caller gives each minute's complete totals, and the detector fills gaps itself. Observing a later minute,
/// or <see cref="Advance"/>, closes every minute before it; a count series with nothing observed in a closed minute had 0
/// that minute, so a writer that calls <see cref="Advance"/> every minute lets a busy series that went silent alert. A
/// share with no events that minute is not judged. Observations for a minute already closed are ignored and counted in
/// <see cref="LateObservations"/>. Gaps longer than a day, and the gap between <see cref="ToBytes"/> and the first minute
/// after <see cref="FromBytes"/>, are downtime: nobody saw those minutes, so they are skipped rather than counted as zero.
/// </para>
/// <para>
/// Threading: one lock orders the writer's calls (<see cref="Observe"/>, <see cref="Advance"/>, <see cref="ToBytes"/>),
/// which are cheap per call. Readers (<see cref="Current"/>, <see cref="History"/>) take no lock: after each change the
/// writer publishes an immutable snapshot, and readers see the latest one whole.
/// </para>
/// </remarks>
public sealed partial class AbnormalDetector
{
    private const long None = long.MinValue;
    // No gateway sees a trillion events a minute; the bound keeps every variance (at most its square) and z-score finite.
    private const double MaxCount = 1e12;
    // Filling a longer gap with zeros would judge minutes nobody watched (a machine asleep), at up to a day × MaxSeries steps.
    private const long MaxFilledGapMinutes = 24 * 60;

    private readonly AbnormalDetectorOptions _options;
    private readonly double _alpha;
    private readonly Lock _gate = new();
    private readonly Dictionary<SeriesKey, Series> _series = [];
    // Ended alerts, oldest first.
    private readonly Queue<AbnormalAlert> _history = new();
    private Series? _oldest;
    private Series? _newest;
    // The minute being filled; earlier minutes are closed.
    private long _open = None;
    private long _closedThrough = None;
    // Set by FromBytes: the next move to a later minute skips the gap instead of filling it.
    private bool _resuming;
    private long _late;
    private bool _dirty;
    private bool _historyChanged;
    private Snapshot _snapshot = Snapshot.Empty;

    /// <summary>An empty detector with <paramref name="options"/> (the defaults when null).</summary>
    public AbnormalDetector(AbnormalDetectorOptions? options = null)
    {
        options ??= new AbnormalDetectorOptions();
        options.Validate();
        _options = options;
        _alpha = 1 - Math.Pow(2, -1 / options.HalfLife.TotalMinutes);
    }

    /// <summary>The settings this detector runs with.</summary>
    public AbnormalDetectorOptions Options => _options;

    /// <summary>Series currently followed (at most <see cref="AbnormalDetectorOptions.MaxSeries"/>).</summary>
    public int SeriesCount
    {
        get
        {
            lock (_gate)
            {
                return _series.Count;
            }
        }
    }

    /// <summary>Observations ignored because their minute was already closed.</summary>
    public long LateObservations => Volatile.Read(ref _late);

    /// <summary>The last minute judged, or null before the first one closes.</summary>
    public DateTimeOffset? ClosedThrough => Volatile.Read(ref _snapshot).ClosedThrough is var m and not None ? FromMinute(m) : null;

    /// <summary>Ended alerts, newest first, at most <see cref="AbnormalDetectorOptions.MaxHistory"/>.</summary>
    public IReadOnlyList<AbnormalAlert> History => Volatile.Read(ref _snapshot).History;

    /// <summary>
    /// Adds <paramref name="value"/> to <paramref name="key"/>'s total for <paramref name="minute"/> (any time within the
    /// minute). Counts are events in the minute; a <see cref="AbnormalKind.BotShare"/> is the share (0–1) with the minute's
    /// event count as <paramref name="weight"/>, and several observations of one minute combine weighted.
    /// </summary>
    /// <exception cref="ArgumentException">The key has no pixel or label string, a share has no weight, or a count has one.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The value or weight is negative, not finite or above 10^12, or a share is above 1.</exception>
    public void Observe(DateTimeOffset minute, SeriesKey key, double value, double? weight = null)
    {
        key = Cut(key);
        CheckValue(key, value, weight);
        var at = MinuteOf(minute);
        lock (_gate)
        {
            MoveTo(at);
            if (at < _open)
            {
                _late++;
            }
            else
            {
                var series = Find(key, at);
                if (key.IsShare)
                {
                    series.Sum += value * weight!.Value;
                    series.Weight += weight.Value;
                }
                else
                {
                    series.Sum += value;
                }
            }

            PublishIfChanged();
        }
    }

    /// <summary>
    /// Closes every minute before <paramref name="until"/>'s minute: series without observations in them had nothing.
    /// Call it each minute (once the previous minute's totals are all observed) so silence is noticed.
    /// </summary>
    public void Advance(DateTimeOffset until)
    {
        var at = MinuteOf(until);
        lock (_gate)
        {
            MoveTo(at);
            PublishIfChanged();
        }
    }

    /// <summary>
    /// Active alerts, oldest start first. An alert the writer has not confirmed for longer than its end rule allows plus
    /// <see cref="AbnormalDetectorOptions.StaleAfter"/> before <paramref name="now"/> is left out: minutes stopped being closed,
    /// and nobody knows whether it still holds.
    /// </summary>
    public IReadOnlyList<AbnormalAlert> Current(DateTimeOffset now)
    {
        var active = Volatile.Read(ref _snapshot).Active;
        var fresh = new List<AbnormalAlert>(active.Length);
        foreach (var alert in active)
        {
            var unconfirmedFor = alert.Cause == AlertCause.Appeared ? _options.QuietMinutes : _options.MinutesToEnd;
            // LastSeen is a minute's start; that minute itself lasts one more.
            if (alert.LastSeen + TimeSpan.FromMinutes(unconfirmedFor + 1) + _options.StaleAfter >= now)
            {
                fresh.Add(alert);
            }
        }

        return fresh;
    }

    private SeriesKey Cut(SeriesKey key)
    {
        if (key.Pixel is null || key.Label is null)
        {
            throw new ArgumentException("A series key needs a pixel and a label (empty when there is none); use the SeriesKey factory methods.", nameof(key));
        }

        if (key.Kind is < AbnormalKind.EventRate or > AbnormalKind.BlockedDomain)
        {
            throw new ArgumentOutOfRangeException(nameof(key), key.Kind, "Unknown series kind.");
        }

        return key.Pixel.Length <= _options.MaxNameLength && key.Label.Length <= _options.MaxNameLength
            ? key
            : key with { Pixel = Truncate(key.Pixel, _options.MaxNameLength), Label = Truncate(key.Label, _options.MaxNameLength) };
    }

    private static string Truncate(string text, int length)
    {
        if (text.Length <= length)
        {
            return text;
        }

        // Never cut a surrogate pair in half.
        return text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];
    }

    private static void CheckValue(SeriesKey key, double value, double? weight)
    {
        if (!double.IsFinite(value) || value < 0 || value > (key.IsShare ? 1 : MaxCount))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, key.IsShare ? "A share is between 0 and 1." : "A count is a number of events from 0 to 10^12.");
        }

        if (key.IsShare)
        {
            if (weight is not { } w)
            {
                throw new ArgumentException("A share needs the minute's number of events as its weight.", nameof(weight));
            }

            if (!double.IsFinite(w) || w < 0 || w > MaxCount)
            {
                throw new ArgumentOutOfRangeException(nameof(weight), w, "The weight is a number of events from 0 to 10^12.");
            }
        }
        else if (weight is not null)
        {
            throw new ArgumentException($"{key.Kind} is a count; only a share takes a weight.", nameof(weight));
        }
    }

    private static long MinuteOf(DateTimeOffset time) => time.UtcTicks / TimeSpan.TicksPerMinute;

    private static DateTimeOffset FromMinute(long minute) => new(minute * TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private void MoveTo(long target)
    {
        if (_open == None)
        {
            _open = target;
            return;
        }

        if (target <= _open)
        {
            return;
        }

        CloseMinute(_open);
        var gap = target - _open - 1;
        if (!_resuming && gap <= MaxFilledGapMinutes)
        {
            for (var minute = _open + 1; minute < target; minute++)
            {
                CloseMinute(minute);
            }
        }

        _resuming = false;
        _open = target;
        _dirty = true;
    }

    private Series Find(SeriesKey key, long minute)
    {
        if (_series.TryGetValue(key, out var series))
        {
            Unlink(series);
            Append(series);
            return series;
        }

        if (_series.Count >= _options.MaxSeries)
        {
            Forget(_oldest!, minute);
        }

        series = new Series(key);
        _series.Add(key, series);
        Append(series);
        return series;
    }

    /// <summary>Drops the least recently observed series; its alert, if any, ends at <paramref name="minute"/>.</summary>
    private void Forget(Series series, long minute)
    {
        if (series.Alert is { } alert)
        {
            EndAlert(series, alert, Math.Max(minute, alert.LastSeen));
        }

        _series.Remove(series.Key);
        Unlink(series);
    }

    private void Append(Series series)
    {
        series.Older = _newest;
        series.Newer = null;
        if (_newest is null)
        {
            _oldest = series;
        }
        else
        {
            _newest.Newer = series;
        }

        _newest = series;
    }

    private void Unlink(Series series)
    {
        if (series.Older is null)
        {
            _oldest = series.Newer;
        }
        else
        {
            series.Older.Newer = series.Newer;
        }

        if (series.Newer is null)
        {
            _newest = series.Older;
        }
        else
        {
            series.Newer.Older = series.Older;
        }

        series.Older = null;
        series.Newer = null;
    }

    private void PublishIfChanged()
    {
        if (!_dirty)
        {
            return;
        }

        var active = new List<AbnormalAlert>();
        for (var series = _oldest; series is not null; series = series.Newer)
        {
            if (series.Alert is { } alert)
            {
                active.Add(ToRecord(series.Key, alert, end: null));
            }
        }

        active.Sort(static (a, b) =>
        {
            var byStart = a.Start.CompareTo(b.Start);
            if (byStart != 0)
            {
                return byStart;
            }

            var byKind = a.Kind.CompareTo(b.Kind);
            var byPixel = string.CompareOrdinal(a.Series.Pixel, b.Series.Pixel);
            return byKind != 0 ? byKind : byPixel != 0 ? byPixel : string.CompareOrdinal(a.Series.Label, b.Series.Label);
        });

        var history = _snapshot.History;
        if (_historyChanged)
        {
            var newestFirst = _history.ToArray();
            Array.Reverse(newestFirst);
            history = newestFirst;
            _historyChanged = false;
        }

        Volatile.Write(ref _snapshot, new Snapshot([.. active], history, _closedThrough));
        _dirty = false;
    }

    private AbnormalAlert ToRecord(SeriesKey key, OpenAlert alert, long? end)
    {
        alert.Reason ??= AlertText.Reason(key, alert.Cause, alert.Peak, alert.QuietBefore);
        var latest = alert.Latest;
        return new AbnormalAlert(
            key, alert.Cause, alert.Reason, FromMinute(alert.Start), FromMinute(alert.LastSeen), end is { } e ? FromMinute(e) : null,
            latest.Value, latest.Mean, latest.Deviation, latest.Z);
    }

    /// <summary>What readers see: immutable, replaced whole.</summary>
    private sealed record Snapshot(AbnormalAlert[] Active, AbnormalAlert[] History, long ClosedThrough)
    {
        public static Snapshot Empty { get; } = new([], [], None);
    }
}
