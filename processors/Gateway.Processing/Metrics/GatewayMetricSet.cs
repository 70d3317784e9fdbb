namespace Gateway.Processing.Metrics;

/// <summary>
/// The metrics of one handler invocation, written as Embedded Metric Format lines: one line with every function-level
/// metric of the handler (zeros included, so alarms and rates see a value whenever the function ran), then one line per
/// breakdown value that occurred (a document can hold one value per dimension, so each pixel, reason, channel or
/// destination needs its own line).
/// </summary>
/// <remarks>
/// Breakdown values are bounded here, whatever the caller passes: channels and reasons to the values of their
/// <see cref="GatewayMetric"/>, pixels and destinations to the first <see cref="GatewayMetrics.MaxPixels"/> and
/// <see cref="GatewayMetrics.MaxDestinations"/> configured ones; everything else counts under
/// <see cref="GatewayMetrics.Other"/>. The lines carry counts, the function name, the handler and the configured
/// names only, never event data.
/// </remarks>
public sealed class GatewayMetricSet
{
    // The catalog's own instances: a look-alike record built elsewhere is refused, and the check costs one hash per Add.
    private static readonly HashSet<GatewayMetric> Catalog = new(GatewayMetrics.All, ReferenceEqualityComparer.Instance);

    private readonly string _handler;
    private readonly string _functionName;
    private readonly long _timestamp;
    private readonly HashSet<string> _pixels;
    private readonly HashSet<string> _destinations;
    private readonly Dictionary<GatewayMetric, double> _totals = [];
    private readonly Dictionary<(string Breakdown, string Value), Dictionary<GatewayMetric, double>> _breakdowns = [];
    private readonly List<(string Name, string Value)> _properties = [];

    /// <summary>An empty set for <paramref name="handler"/> running as <paramref name="functionName"/>, observed at <paramref name="timestamp"/>.</summary>
    /// <param name="handler">One of <see cref="GatewayMetrics.Handlers"/>.</param>
    /// <param name="functionName">The <see cref="GatewayMetrics.FunctionName"/> value; falls back to <paramref name="handler"/> when it is not a valid dimension value.</param>
    /// <param name="timestamp">When the metrics were observed.</param>
    /// <param name="pixels">The configured pixel ids, in order; only the first <see cref="GatewayMetrics.MaxPixels"/> get their own value.</param>
    /// <param name="destinations">The configured destination names, in order; only the first <see cref="GatewayMetrics.MaxDestinations"/> get their own value.</param>
    public GatewayMetricSet(string handler, string functionName, DateTimeOffset timestamp, IEnumerable<string>? pixels = null, IEnumerable<string>? destinations = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (!GatewayMetrics.Handlers.Contains(handler, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{handler}' is not a Gateway handler; use one of {string.Join(", ", GatewayMetrics.Handlers)}", nameof(handler));
        }

        _handler = handler;
        _functionName = IsDimensionValue(functionName) ? functionName : handler;
        _timestamp = Math.Max(0, timestamp.ToUnixTimeMilliseconds());
        _pixels = Bounded(pixels, GatewayMetrics.MaxPixels);
        _destinations = Bounded(destinations, GatewayMetrics.MaxDestinations);
        foreach (var metric in GatewayMetrics.Of(handler).Where(m => m.Breakdown is null))
        {
            _totals[metric] = 0;
        }
    }

    /// <summary>The <see cref="GatewayMetrics.FunctionName"/> value of every line.</summary>
    public string FunctionName => _functionName;

    /// <summary>Adds <paramref name="value"/> to a function-level metric.</summary>
    /// <exception cref="ArgumentException">The metric belongs to another handler or has a breakdown.</exception>
    public GatewayMetricSet Add(GatewayMetric metric, double value)
    {
        Check(metric, breakdown: false);
        _totals[metric] += value;
        return this;
    }

    /// <summary>Adds <paramref name="value"/> to a breakdown metric under <paramref name="dimensionValue"/> (bounded, see the remarks).</summary>
    /// <exception cref="ArgumentException">The metric belongs to another handler or has no breakdown.</exception>
    public GatewayMetricSet Add(GatewayMetric metric, string? dimensionValue, double value)
    {
        Check(metric, breakdown: true);
        var key = (metric.Breakdown!, Bound(metric, dimensionValue));
        if (!_breakdowns.TryGetValue(key, out var values))
        {
            _breakdowns[key] = values = [];
        }

        values[metric] = values.GetValueOrDefault(metric) + value;
        return this;
    }

    /// <summary>The value <paramref name="dimensionValue"/> is published under for <paramref name="metric"/>'s breakdown.</summary>
    public string Bound(GatewayMetric metric, string? dimensionValue)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (dimensionValue is null || !IsDimensionValue(dimensionValue))
        {
            return GatewayMetrics.Other;
        }

        var allowed = metric.Values is { } values
            ? values.Contains(dimensionValue, StringComparer.Ordinal)
            : metric.Breakdown == GatewayMetrics.Pixel ? _pixels.Contains(dimensionValue) : _destinations.Contains(dimensionValue);
        return allowed ? dimensionValue : GatewayMetrics.Other;
    }

    /// <summary>Adds a string property to the function-level line (not a metric): a handler or version label, never event data.</summary>
    public GatewayMetricSet SetProperty(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _properties.Add((name, value));
        return this;
    }

    /// <summary>The EMF documents: the function-level one first, then one per breakdown value, ordered by dimension and value.</summary>
    public IReadOnlyList<EmfDocument> ToDocuments()
    {
        var documents = new List<EmfDocument>(1 + _breakdowns.Count);
        var main = Start().AddDimensionSet(GatewayMetrics.FunctionName);
        main.SetProperty("Handler", _handler);
        foreach (var (name, value) in _properties)
        {
            main.SetProperty(name, value);
        }

        foreach (var (metric, value) in _totals)
        {
            main.AddMetric(metric.Name, value, metric.Unit);
        }

        documents.Add(main);
        foreach (var ((breakdown, value), metrics) in _breakdowns.OrderBy(b => b.Key.Breakdown, StringComparer.Ordinal).ThenBy(b => b.Key.Value, StringComparer.Ordinal))
        {
            var document = Start().AddDimensionSet(GatewayMetrics.FunctionName, breakdown).SetDimension(breakdown, value);
            foreach (var (metric, total) in metrics)
            {
                document.AddMetric(metric.Name, total, metric.Unit);
            }

            documents.Add(document);
        }

        return documents;
    }

    /// <summary>The EMF lines, without line breaks, in the order of <see cref="ToDocuments"/>.</summary>
    public IReadOnlyList<string> ToLines() => [.. ToDocuments().SelectMany(d => d.ToLines())];

    private EmfDocument Start()
    {
        var document = new EmfDocument(GatewayMetrics.Namespace, _timestamp);
        document.SetDimension(GatewayMetrics.FunctionName, _functionName);
        return document;
    }

    private void Check(GatewayMetric metric, bool breakdown)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (metric.Handler != _handler || !Catalog.Contains(metric))
        {
            throw new ArgumentException($"{metric} is not a metric of the {_handler} handler in GatewayMetrics", nameof(metric));
        }

        if ((metric.Breakdown is not null) != breakdown)
        {
            throw new ArgumentException(
                breakdown ? $"{metric} has no breakdown; add it without a dimension value" : $"{metric} needs its {metric.Breakdown} value",
                nameof(metric));
        }
    }

    private static HashSet<string> Bounded(IEnumerable<string>? configured, int max) =>
        configured is null ? [] : [.. configured.Where(IsDimensionValue).Distinct(StringComparer.Ordinal).Take(max)];

    // CloudWatch's dimension values: 1 to 1024 printable ASCII characters, not all spaces (EmfDocument refuses others).
    private static bool IsDimensionValue(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= EmfMetrics.MaxDimensionValueLength && !value.AsSpan().ContainsAnyExceptInRange(' ', '~');
}
