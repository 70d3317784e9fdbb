using Gateway.Dashboards.History;
using Gateway.Dashboards.Live;
using Gateway.Dashboards.Rollups;
using Gateway.Processing.Forwarding;

namespace Gateway.Dashboards.Http;

/// <summary>One point of <c>/api/metrics</c>; <see cref="Visitors"/> is null when unknown.</summary>
public sealed record MetricsPoint(DateTimeOffset Time, long Events, long Bots, long HumanOpens, long MachineOpens, long Conversions, long? Visitors)
{
    /// <summary>A point with nothing counted.</summary>
    public static MetricsPoint Empty(DateTimeOffset time) => new(time, 0, 0, 0, 0, 0, 0);

    /// <summary>The counters of a rollup bucket.</summary>
    public static MetricsPoint Of(DateTimeOffset time, RollupBucket bucket)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        return new(time, bucket.Events, bucket.Bots, bucket.HumanOpens, bucket.MachineOpens, bucket.Conversions, bucket.Visitors);
    }
}

/// <summary>What the forward stage did over the range.</summary>
public sealed record ForwardTotals(long Received, long Forwarded, long Failed, long Dropped);

/// <summary>The answer of <c>/api/metrics</c>.</summary>
public sealed record MetricsView(
    MetricsRequest Request,
    string Source,
    IReadOnlyList<string> Pixels,
    IReadOnlyList<MetricsPoint> Points,
    MetricsPoint Totals,
    IReadOnlyDictionary<string, double> Value,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<KeyValuePair<string, long>>>> Top,
    ForwardTotals Forward)
{
    /// <summary>How many values each top list holds.</summary>
    public const int TopCount = 10;

    /// <summary>
    /// Builds the answer: the rollups for the part of the range they still hold, the lake (when
    /// <paramref name="history"/> is given) for the part before it.
    /// </summary>
    public static async Task<MetricsView> BuildAsync(MetricsRequest request, DashboardFeed feed, IHistorySource? history, ForwardMetrics? forward, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(feed);
        var step = request.Step;
        var width = MetricsRequest.Width(step);
        var retention = step == RollupStep.Minute ? feed.Options.Rollups.MinuteRetention : feed.Options.Rollups.Retention;
        // The first whole step the rollups still hold; earlier steps come from the lake.
        var split = MetricsRequest.Ceiling(now - retention, step);
        split = split < request.From ? request.From : split > request.To ? request.To : split;

        var points = new Dictionary<DateTimeOffset, MetricsPoint>();
        var totals = new Sums();
        var sources = new List<string>(2);
        if (split < request.To)
        {
            sources.Add("rollups");
            foreach (var point in feed.Rollups.Series(request.Pixel, split, request.To, step))
            {
                points[point.Time] = MetricsPoint.Of(point.Time, point.Bucket);
            }

            totals.Add(feed.Rollups.Total(request.Pixel, split, request.To, step));
        }

        if (request.From < split && history is not null)
        {
            sources.Insert(0, "lake");
            var past = await history.ReadAsync(request.Pixel, request.From, split, step, TopCount, cancellationToken).ConfigureAwait(false);
            foreach (var p in past.Points)
            {
                points[p.Time] = new MetricsPoint(p.Time, p.Events, p.Bots, p.HumanOpens, p.MachineOpens, p.Conversions, p.Visitors);
            }

            totals.Add(past);
        }

        var list = new List<MetricsPoint>(request.PointCount);
        for (var t = request.From; t < request.To; t += width)
        {
            list.Add(points.TryGetValue(t, out var p) ? p : MetricsPoint.Empty(t));
        }

        return new MetricsView(
            request,
            sources.Count == 0 ? "rollups" : string.Join('+', sources),
            feed.Rollups.Pixels,
            list,
            totals.Point(request.From),
            totals.Value,
            totals.Tops(),
            Forwarded(forward, request));
    }

    private static ForwardTotals Forwarded(ForwardMetrics? metrics, MetricsRequest request)
    {
        if (metrics is null)
        {
            return new ForwardTotals(0, 0, 0, 0);
        }

        long received = 0, forwarded = 0, failed = 0, dropped = 0;
        foreach (var bucket in metrics.Buckets(request.From, request.To, request.Pixel))
        {
            received += bucket.Received;
            forwarded += bucket.Forwarded;
            failed += bucket.Failed;
            dropped += bucket.Dropped;
        }

        return new ForwardTotals(received, forwarded, failed, dropped);
    }

    /// <summary>Sums of the two parts of a range (rollups and lake).</summary>
    private sealed class Sums
    {
        private static readonly string[] Order =
            ["eventNames", "channels", "countries", "referrerHosts", "referrerMedia", "browsers", "operatingSystems", "devices", "pages"];

        private readonly Dictionary<string, Dictionary<string, long>> _tops = new(StringComparer.Ordinal);
        private long _events, _bots, _humanOpens, _machineOpens, _conversions;
        private long? _visitors;

        public Dictionary<string, double> Value { get; } = new(StringComparer.Ordinal);

        public void Add(RollupBucket bucket)
        {
            Count(bucket.Events, bucket.Bots, bucket.HumanOpens, bucket.MachineOpens, bucket.Conversions, bucket.Visitors);
            foreach (var (currency, cents) in bucket.ValueByCurrency.Counts)
            {
                Value[currency] = Value.GetValueOrDefault(currency) + (cents / 100.0);
            }

            Merge("eventNames", bucket.EventNames.Top(TopCount));
            Merge("channels", bucket.Channels.Top(TopCount));
            Merge("countries", bucket.Countries.Top(TopCount));
            Merge("referrerHosts", bucket.TopReferrers(TopCount));
            Merge("referrerMedia", bucket.ReferrerMedia.Top(TopCount));
            Merge("browsers", bucket.Browsers.Top(TopCount));
            Merge("operatingSystems", bucket.OperatingSystems.Top(TopCount));
            Merge("devices", bucket.Devices.Top(TopCount));
            Merge("pages", bucket.TopPages(TopCount));
        }

        public void Add(HistoryResult past)
        {
            Count(past.Points.Sum(p => p.Events), past.Points.Sum(p => p.Bots), past.Points.Sum(p => p.HumanOpens), past.Points.Sum(p => p.MachineOpens), past.Points.Sum(p => p.Conversions), past.Visitors);
            foreach (var (currency, value) in past.Value)
            {
                Value[currency] = Value.GetValueOrDefault(currency) + value;
            }

            foreach (var (name, values) in past.Top)
            {
                Merge(name, values);
            }
        }

        public MetricsPoint Point(DateTimeOffset time) => new(time, _events, _bots, _humanOpens, _machineOpens, _conversions, _visitors);

        public IReadOnlyList<KeyValuePair<string, IReadOnlyList<KeyValuePair<string, long>>>> Tops() =>
        [
            .. Order.Select(name => KeyValuePair.Create<string, IReadOnlyList<KeyValuePair<string, long>>>(
                name,
                [.. (_tops.GetValueOrDefault(name) ?? []).OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).Take(TopCount)])),
        ];

        // A visitor seen in both parts of a range is counted in each: the sum is an upper bound.
        private void Count(long events, long bots, long humanOpens, long machineOpens, long conversions, long? visitors)
        {
            _events += events;
            _bots += bots;
            _humanOpens += humanOpens;
            _machineOpens += machineOpens;
            _conversions += conversions;
            _visitors = (_visitors ?? 0) + (visitors ?? 0);
        }

        private void Merge(string name, IEnumerable<KeyValuePair<string, long>> values)
        {
            if (!_tops.TryGetValue(name, out var counts))
            {
                _tops[name] = counts = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            foreach (var (value, count) in values)
            {
                counts[value] = counts.GetValueOrDefault(value) + count;
            }
        }
    }
}
