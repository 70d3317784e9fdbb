using System.Collections.ObjectModel;
using System.Runtime.InteropServices;

namespace Gateway.Processing.Forwarding;

/// <summary>Limits of a <see cref="ForwardMetrics"/> store; the defaults suit one forwarder process.</summary>
public sealed class ForwardMetricsOptions
{
    /// <summary>Name that counts stand under once a cap is reached: pixel, event name, reason or destination.</summary>
    public const string Other = "(other)";

    /// <summary>How long hourly buckets are kept; Meta's Conversions API Gateway keeps its event metrics 30 days.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Most distinct (pixel, event name) keys one hour holds; later keys count under (<see cref="Other"/>, <see cref="Other"/>).
    /// Pixel ids and event names are untrusted, so this bounds memory: about 300 bytes and two short strings per key, for up to 721 hours.</summary>
    public int MaxKeysPerBucket { get; init; } = 1_000;

    /// <summary>Most distinct reasons, and destinations of each kind, one key holds in one hour; later ones count under <see cref="Other"/>.</summary>
    public int MaxNamesPerKey { get; init; } = 32;

    /// <summary>Pixel ids, event names, reasons and destinations are cut to this many characters (the pixel id limit of the forward settings).</summary>
    public int MaxNameLength { get; init; } = 128;
}

/// <summary>Counters of one (pixel, event name) over a time window; <see cref="LastSeen"/> is the last <see cref="ForwardMetrics.Received"/>.</summary>
public sealed record ForwardMetricsRow(
    string PixelId,
    string EventName,
    long Received,
    long Forwarded,
    long Failed,
    long Dropped,
    IReadOnlyDictionary<string, long> DroppedByReason,
    IReadOnlyDictionary<string, long> ForwardedByDestination,
    IReadOnlyDictionary<string, long> FailedByDestination,
    DateTimeOffset? LastSeen)
{
    /// <summary>Forwarded / (Forwarded + Failed), or null when nothing was settled either way.</summary>
    public double? SuccessRate => ForwardMetrics.Rate(Forwarded, Failed);
}

/// <summary>Counters of one hour (UTC, <see cref="Hour"/> is its start), summed over the keys asked for.</summary>
public sealed record ForwardMetricsBucket(
    DateTimeOffset Hour,
    long Received,
    long Forwarded,
    long Failed,
    long Dropped,
    IReadOnlyDictionary<string, long> DroppedByReason,
    IReadOnlyDictionary<string, long> ForwardedByDestination,
    IReadOnlyDictionary<string, long> FailedByDestination)
{
    /// <summary>Forwarded / (Forwarded + Failed), or null when nothing was settled either way.</summary>
    public double? SuccessRate => ForwardMetrics.Rate(Forwarded, Failed);
}

/// <summary>
/// What the forward stage did with events, per pixel and event name in hourly UTC buckets (like the Conversions API
/// Gateway's eventMetrics). Thread-safe; memory is bounded by the caps of <see cref="ForwardMetricsOptions"/> because
/// pixel ids and event names come from untrusted query strings.
/// </summary>
/// <remarks>
/// One lock guards the bucket list and the newest bucket, the only one ever written: a clock that steps back counts into
/// the newest hour rather than reopening an older one. Older buckets are therefore immutable, and queries and saves read
/// them outside the lock, copying only the newest under it.
/// </remarks>
public sealed partial class ForwardMetrics
{
    private readonly TimeProvider _time;
    private readonly long _retentionTicks;
    private readonly Limits _limits;
    private readonly Lock _gate = new();
    // Ascending by hour.
    private readonly List<Bucket> _buckets = [];
    private Bucket? _newest;
    private long _cutoff = long.MinValue;

    /// <summary>An empty store on <paramref name="time"/> (the system clock by default).</summary>
    public ForwardMetrics(TimeProvider? time = null, ForwardMetricsOptions? options = null)
    {
        options ??= new ForwardMetricsOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Retention, TimeSpan.FromHours(1), nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxKeysPerBucket, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxNamesPerKey, 1, nameof(options));
        // Room for a surrogate pair and for the overflow name itself.
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxNameLength, ForwardMetricsOptions.Other.Length, nameof(options));
        _time = time ?? TimeProvider.System;
        _retentionTicks = options.Retention.Ticks;
        _limits = new Limits(options.MaxKeysPerBucket, options.MaxNamesPerKey, options.MaxNameLength);
    }

    /// <summary>The forwarder saw <paramref name="count"/> events.</summary>
    public void Received(string pixelId, string eventName, int count = 1)
    {
        if (IsNothing(pixelId, eventName, count))
        {
            return;
        }

        var now = _time.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            var counters = Slot(now, pixelId, eventName);
            counters.Received += count;
            counters.LastSeen = Math.Max(counters.LastSeen, now);
        }
    }

    /// <summary><paramref name="destination"/> accepted <paramref name="count"/> events.</summary>
    public void Forwarded(string pixelId, string eventName, string destination, int count = 1) => Count(Outcome.Forwarded, pixelId, eventName, destination, count);

    /// <summary><paramref name="count"/> events for <paramref name="destination"/> went to the dead-letter store (rejected, or given up).</summary>
    public void Failed(string pixelId, string eventName, string destination, int count = 1) => Count(Outcome.Failed, pixelId, eventName, destination, count);

    /// <summary>A rule kept <paramref name="count"/> events from being forwarded; <paramref name="reason"/> is a short code such as <c>domain_blocked</c>.</summary>
    public void Dropped(string pixelId, string eventName, string reason, int count = 1) => Count(Outcome.Dropped, pixelId, eventName, reason, count);

    private void Count(Outcome outcome, string pixelId, string eventName, string name, int count)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsNothing(pixelId, eventName, count))
        {
            return;
        }

        var now = _time.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            var counters = Slot(now, pixelId, eventName);
            switch (outcome)
            {
                case Outcome.Forwarded:
                    counters.Forwarded += count;
                    (counters.ForwardedByDestination ??= new Tally()).Add(name, count, _limits);
                    break;
                case Outcome.Failed:
                    counters.Failed += count;
                    (counters.FailedByDestination ??= new Tally()).Add(name, count, _limits);
                    break;
                default:
                    counters.Dropped += count;
                    (counters.DroppedByReason ??= new Tally()).Add(name, count, _limits);
                    break;
            }
        }
    }

    private enum Outcome
    {
        Forwarded,
        Failed,
        Dropped,
    }

    /// <summary>One row per (pixel, event name), summed over the hours overlapping [<paramref name="since"/>, <paramref name="until"/>), ordered by pixel then event name.</summary>
    public IReadOnlyList<ForwardMetricsRow> Query(DateTimeOffset since, DateTimeOffset until, string? pixelId = null)
    {
        var totals = new Dictionary<(string Pixel, string Event), Totals>();
        foreach (var bucket in Snapshot(since.UtcTicks, until.UtcTicks))
        {
            foreach (var (key, counters) in bucket.Keys)
            {
                if (Matches(key, pixelId))
                {
                    ref var total = ref CollectionsMarshal.GetValueRefOrAddDefault(totals, (key.Pixel, key.Event), out _);
                    (total ??= new Totals()).Add(counters);
                }
            }
        }

        var rows = new List<ForwardMetricsRow>(totals.Count);
        foreach (var ((pixel, eventName), total) in totals)
        {
            rows.Add(total.ToRow(pixel, eventName));
        }

        rows.Sort(static (a, b) =>
        {
            var byPixel = string.CompareOrdinal(a.PixelId, b.PixelId);
            return byPixel != 0 ? byPixel : string.CompareOrdinal(a.EventName, b.EventName);
        });
        return rows;
    }

    /// <summary>The hourly series over [<paramref name="since"/>, <paramref name="until"/>), oldest first; hours without data are absent, so a chart draws them as zero.</summary>
    public IReadOnlyList<ForwardMetricsBucket> Buckets(DateTimeOffset since, DateTimeOffset until, string? pixelId = null)
    {
        var series = new List<ForwardMetricsBucket>();
        foreach (var bucket in Snapshot(since.UtcTicks, until.UtcTicks))
        {
            Totals? total = null;
            foreach (var (key, counters) in bucket.Keys)
            {
                if (Matches(key, pixelId))
                {
                    (total ??= new Totals()).Add(counters);
                }
            }

            if (total is not null)
            {
                series.Add(total.ToBucket(new DateTimeOffset(bucket.Hour, TimeSpan.Zero)));
            }
        }

        return series;
    }

    /// <summary>Hours held right now, without pruning first: what memory holds, for tests of retention.</summary>
    internal int HoursHeld
    {
        get
        {
            lock (_gate)
            {
                return _buckets.Count;
            }
        }
    }

    internal static double? Rate(long forwarded, long failed) =>
        forwarded + failed == 0 ? null : (double)forwarded / (forwarded + failed);

    private static bool IsNothing(string pixelId, string eventName, int count)
    {
        ArgumentNullException.ThrowIfNull(pixelId);
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return count == 0;
    }

    private static long HourOf(long ticks) => ticks - (ticks % TimeSpan.TicksPerHour);

    private bool Matches(Key key, string? pixelId) =>
        pixelId is null || _limits.Clip(pixelId).SequenceEqual(key.Pixel);

    /// <summary>The counters for the key in the newest hour. Call under the lock.</summary>
    private Counters Slot(long now, string pixelId, string eventName)
    {
        Prune(now);
        var hour = HourOf(now);
        if (_newest is null || hour > _newest.Hour)
        {
            _newest = new Bucket(hour, _limits);
            _buckets.Add(_newest);
        }

        return _newest.Get(pixelId, eventName);
    }

    /// <summary>Drops hours wholly before the retention window. Call under the lock; does work only when the window has moved to a new hour.</summary>
    private void Prune(long now)
    {
        var cutoff = HourOf(Math.Max(0, now - _retentionTicks));
        if (cutoff <= _cutoff)
        {
            return;
        }

        _cutoff = cutoff;
        var stale = 0;
        while (stale < _buckets.Count && _buckets[stale].Hour < cutoff)
        {
            stale++;
        }

        if (stale > 0)
        {
            _buckets.RemoveRange(0, stale);
            _newest = _buckets.Count > 0 ? _buckets[^1] : null;
        }
    }

    /// <summary>The retained buckets overlapping [since, until): older ones as they are, the newest copied.</summary>
    private List<Bucket> Snapshot(long since, long until)
    {
        var overlapping = new List<Bucket>();
        lock (_gate)
        {
            Prune(_time.GetUtcNow().UtcTicks);
            foreach (var bucket in _buckets)
            {
                if (bucket.Hour < until && bucket.Hour + TimeSpan.TicksPerHour > since)
                {
                    overlapping.Add(ReferenceEquals(bucket, _newest) ? bucket.Copy() : bucket);
                }
            }
        }

        return overlapping;
    }

    /// <summary>Caps and the key comparison; keys compare by their clipped text so a long id finds its entry without allocating.</summary>
    private sealed class Limits(int maxKeys, int maxNames, int maxLength) : IEqualityComparer<Key>
    {
        public int MaxKeys { get; } = maxKeys;

        public int MaxNames { get; } = maxNames;

        public ReadOnlySpan<char> Clip(string value)
        {
            if (value.Length <= maxLength)
            {
                return value;
            }

            // Never split a surrogate pair: half a pair is saved as U+FFFD and would come back as a different id.
            return value.AsSpan(0, char.IsHighSurrogate(value[maxLength - 1]) ? maxLength - 1 : maxLength);
        }

        public string Clipped(string value) => value.Length <= maxLength ? value : new string(Clip(value));

        public bool Equals(Key x, Key y) =>
            Clip(x.Pixel).SequenceEqual(Clip(y.Pixel)) && Clip(x.Event).SequenceEqual(Clip(y.Event));

        public int GetHashCode(Key obj) =>
            HashCode.Combine(string.GetHashCode(Clip(obj.Pixel)), string.GetHashCode(Clip(obj.Event)));
    }

    private readonly record struct Key(string Pixel, string Event);

    private sealed class Bucket(long hour, Limits limits)
    {
        public long Hour { get; } = hour;

        public Dictionary<Key, Counters> Keys { get; } = new(limits);

        public Counters Get(string pixelId, string eventName)
        {
            if (Keys.TryGetValue(new Key(pixelId, eventName), out var counters))
            {
                return counters;
            }

            // The overflow key is one more entry past the cap, so the totals of an hour stay exact.
            var key = Keys.Count < limits.MaxKeys
                ? new Key(limits.Clipped(pixelId), limits.Clipped(eventName))
                : new Key(ForwardMetricsOptions.Other, ForwardMetricsOptions.Other);
            if (!Keys.TryGetValue(key, out counters))
            {
                counters = new Counters();
                Keys.Add(key, counters);
            }

            return counters;
        }

        public Bucket Copy()
        {
            var copy = new Bucket(Hour, limits);
            foreach (var (key, counters) in Keys)
            {
                copy.Keys.Add(key, counters.Copy());
            }

            return copy;
        }
    }

    private sealed class Counters
    {
        public long Received;
        public long Forwarded;
        public long Failed;
        public long Dropped;
        // UTC ticks of the last Received; 0 when none.
        public long LastSeen;
        public Tally? DroppedByReason;
        public Tally? ForwardedByDestination;
        public Tally? FailedByDestination;

        public Counters Copy() => new()
        {
            Received = Received,
            Forwarded = Forwarded,
            Failed = Failed,
            Dropped = Dropped,
            LastSeen = LastSeen,
            DroppedByReason = DroppedByReason?.Copy(),
            ForwardedByDestination = ForwardedByDestination?.Copy(),
            FailedByDestination = FailedByDestination?.Copy(),
        };
    }

    /// <summary>Counts by name in two small arrays searched linearly: a key sees a handful of reasons or destinations, and arrays cost far less memory than a dictionary per key.</summary>
    private sealed class Tally
    {
        private string[] _names = new string[2];
        private long[] _counts = new long[2];

        public int Length { get; private set; }

        public string NameAt(int index) => _names[index];

        public long CountAt(int index) => _counts[index];

        public void Add(string name, long count, Limits limits)
        {
            var index = IndexOf(limits.Clip(name));
            var full = Length >= limits.MaxNames;
            if (index < 0 && full)
            {
                index = IndexOf(ForwardMetricsOptions.Other);
            }

            if (index < 0)
            {
                // Like keys, the overflow name is one more entry past the cap.
                index = Append(full ? ForwardMetricsOptions.Other : limits.Clipped(name));
            }

            _counts[index] += count;
        }

        public Tally Copy() => new() { _names = (string[])_names.Clone(), _counts = (long[])_counts.Clone(), Length = Length };

        private int IndexOf(ReadOnlySpan<char> name)
        {
            for (var i = 0; i < Length; i++)
            {
                if (name.SequenceEqual(_names[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        private int Append(string name)
        {
            if (Length == _names.Length)
            {
                Array.Resize(ref _names, Length * 2);
                Array.Resize(ref _counts, Length * 2);
            }

            _names[Length] = name;
            return Length++;
        }
    }

    /// <summary>Sums of counters for a query result; dictionaries here, since a row may merge hundreds of hours.</summary>
    private sealed class Totals
    {
        private long _received;
        private long _forwarded;
        private long _failed;
        private long _dropped;
        private long _lastSeen;
        private Dictionary<string, long>? _droppedByReason;
        private Dictionary<string, long>? _forwardedByDestination;
        private Dictionary<string, long>? _failedByDestination;

        public void Add(Counters counters)
        {
            _received += counters.Received;
            _forwarded += counters.Forwarded;
            _failed += counters.Failed;
            _dropped += counters.Dropped;
            _lastSeen = Math.Max(_lastSeen, counters.LastSeen);
            Merge(ref _droppedByReason, counters.DroppedByReason);
            Merge(ref _forwardedByDestination, counters.ForwardedByDestination);
            Merge(ref _failedByDestination, counters.FailedByDestination);
        }

        public ForwardMetricsRow ToRow(string pixelId, string eventName) => new(
            pixelId,
            eventName,
            _received,
            _forwarded,
            _failed,
            _dropped,
            ReadOnly(_droppedByReason),
            ReadOnly(_forwardedByDestination),
            ReadOnly(_failedByDestination),
            _lastSeen == 0 ? null : new DateTimeOffset(_lastSeen, TimeSpan.Zero));

        public ForwardMetricsBucket ToBucket(DateTimeOffset hour) => new(
            hour,
            _received,
            _forwarded,
            _failed,
            _dropped,
            ReadOnly(_droppedByReason),
            ReadOnly(_forwardedByDestination),
            ReadOnly(_failedByDestination));

        private static void Merge(ref Dictionary<string, long>? into, Tally? tally)
        {
            if (tally is null)
            {
                return;
            }

            into ??= new Dictionary<string, long>(StringComparer.Ordinal);
            for (var i = 0; i < tally.Length; i++)
            {
                ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(into, tally.NameAt(i), out _);
                count += tally.CountAt(i);
            }
        }

        private static IReadOnlyDictionary<string, long> ReadOnly(Dictionary<string, long>? counts) =>
            counts is null ? ReadOnlyDictionary<string, long>.Empty : counts.AsReadOnly();
    }
}
