using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Gateway.Processing.Metrics;

/// <summary>
/// Builds CloudWatch Embedded Metric Format log lines: metrics that share a namespace, a timestamp, dimension sets and
/// properties, written as <c>{"_aws":{"Timestamp":…,"CloudWatchMetrics":[{"Namespace":…,"Dimensions":[[…]],"Metrics":[…]}]},…}</c>,
/// one JSON object per line. Past <see cref="EmfMetrics.MaxMetricsPerDocument"/> metrics or
/// <see cref="EmfMetrics.MaxValuesPerMetric"/> values of one metric the output is split into several complete lines.
/// </summary>
/// <remarks>
/// Invalid input throws <see cref="ArgumentException"/> when it is added (a dimension left without a value, when it is
/// written): CloudWatch drops a document that breaks the specification without a word, so a bad name must fail where
/// it is made. Lines are split by
/// count, not by size; CloudWatch Logs takes events up to 256 KB, which only 100 metrics of 100 long fractional values approach.
/// </remarks>
public sealed partial class EmfDocument
{
    // CloudWatch namespaces: letters, digits and . - _ / # : and space.
    private static readonly SearchValues<char> NamespaceCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-/#: ");

    private const string MetadataMember = "_aws";

    private readonly List<string[]> _dimensionSets = [];
    private readonly OrderedDictionary<string, string> _dimensionValues = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, Metric> _metrics = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, PropertyValue> _properties = new(StringComparer.Ordinal);

    // What each root member is, so one name never means two things (a metric named like a dimension would replace its value).
    private readonly Dictionary<string, MemberKind> _members = new(StringComparer.Ordinal);

    /// <summary>Starts a document in <paramref name="namespace"/> for metrics observed at <paramref name="timestamp"/>.</summary>
    public EmfDocument(string @namespace, DateTimeOffset timestamp)
        : this(@namespace, timestamp.ToUnixTimeMilliseconds())
    {
    }

    /// <summary>Starts a document in <paramref name="namespace"/> for metrics observed at <paramref name="timestampMilliseconds"/> (Unix epoch, UTC).</summary>
    public EmfDocument(string @namespace, long timestampMilliseconds)
    {
        CheckNamespace(@namespace);
        ArgumentOutOfRangeException.ThrowIfNegative(timestampMilliseconds);
        Namespace = @namespace;
        TimestampMilliseconds = timestampMilliseconds;
    }

    /// <summary>The CloudWatch namespace of every metric.</summary>
    public string Namespace { get; }

    /// <summary>The time of every metric, in milliseconds since the Unix epoch.</summary>
    public long TimestampMilliseconds { get; }

    /// <summary>
    /// Publishes every metric once more under these dimensions (an empty set: without dimensions). Each name needs a
    /// value from <see cref="SetDimension"/> before the document is written. With no set at all the metrics are
    /// published without dimensions.
    /// </summary>
    public EmfDocument AddDimensionSet(params ReadOnlySpan<string> dimensionNames)
    {
        if (dimensionNames.Length > EmfMetrics.MaxDimensionsPerSet)
        {
            throw new ArgumentException(
                $"EMF: a dimension set has {dimensionNames.Length} dimensions; at most {EmfMetrics.MaxDimensionsPerSet}", nameof(dimensionNames));
        }

        var set = dimensionNames.ToArray();
        for (var i = 0; i < set.Length; i++)
        {
            CheckDimensionName(set[i], nameof(dimensionNames));
            if (Array.IndexOf(set, set[i], 0, i) >= 0)
            {
                throw new ArgumentException($"EMF: dimension '{set[i]}' appears twice in one dimension set", nameof(dimensionNames));
            }
        }

        // The same set twice would publish every value twice to the same metric, doubling its sums and counts.
        foreach (var existing in _dimensionSets)
        {
            if (existing.Length == set.Length && existing.All(name => Array.IndexOf(set, name) >= 0))
            {
                throw new ArgumentException($"EMF: the dimension set [{string.Join(", ", set)}] is already in the document", nameof(dimensionNames));
            }
        }

        // All names are checked before any is claimed, so a refused set leaves the document as it was.
        foreach (var name in set)
        {
            CheckClaim(name, MemberKind.Dimension, nameof(dimensionNames));
        }

        foreach (var name in set)
        {
            _members[name] = MemberKind.Dimension;
        }

        _dimensionSets.Add(set);
        return this;
    }

    /// <summary>Sets the value of dimension <paramref name="name"/> (replacing an earlier one).</summary>
    public EmfDocument SetDimension(string name, string value)
    {
        CheckDimensionName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(value);
        if (string.IsNullOrWhiteSpace(value) || value.Length > EmfMetrics.MaxDimensionValueLength || !IsPrintableAscii(value))
        {
            throw new ArgumentException(
                $"EMF: the value of dimension '{name}' must be 1 to {EmfMetrics.MaxDimensionValueLength} printable ASCII characters, not all spaces; it is {Quote(value)}",
                nameof(value));
        }

        Claim(name, MemberKind.Dimension, nameof(name));
        _dimensionValues[name] = value;
        return this;
    }

    /// <summary>Adds one value of metric <paramref name="name"/>; adding to a metric already present appends to its values.</summary>
    public EmfDocument AddMetric(string name, double value, EmfUnit unit = EmfUnit.None, EmfStorageResolution storageResolution = EmfStorageResolution.Standard) =>
        AddMetric(name, new ReadOnlySpan<double>(in value), unit, storageResolution);

    /// <summary>Adds values of metric <paramref name="name"/>; adding to a metric already present appends to its values.</summary>
    public EmfDocument AddMetric(string name, ReadOnlySpan<double> values, EmfUnit unit = EmfUnit.None, EmfStorageResolution storageResolution = EmfStorageResolution.Standard)
    {
        CheckMetricName(name);
        var unitName = EmfMetrics.UnitName(unit);
        if (storageResolution is not (EmfStorageResolution.Standard or EmfStorageResolution.High))
        {
            throw new ArgumentOutOfRangeException(nameof(storageResolution), storageResolution, $"EMF: metric '{name}' has a storage resolution other than 1 or 60 seconds");
        }

        if (values.IsEmpty)
        {
            throw new ArgumentException($"EMF: metric '{name}' has no value", nameof(values));
        }

        foreach (var value in values)
        {
            if (!double.IsFinite(value) || Math.Abs(value) > EmfMetrics.MaxMagnitude)
            {
                throw new ArgumentException($"EMF: metric '{name}' has the value {value.ToString(CultureInfo.InvariantCulture)}; values must be finite numbers within ±2^360", nameof(values));
            }
        }

        if (_metrics.TryGetValue(name, out var metric))
        {
            // One log event cannot give a metric two units or two resolutions: the directive names each metric once.
            if (metric.Unit != unit || metric.StorageResolution != storageResolution)
            {
                throw new ArgumentException(
                    $"EMF: metric '{name}' was added as {EmfMetrics.UnitName(metric.Unit)} at {(int)metric.StorageResolution} s and now as {unitName} at {(int)storageResolution} s",
                    nameof(unit));
            }
        }
        else
        {
            Claim(name, MemberKind.Metric, nameof(name));
            metric = new Metric(unit, storageResolution);
            _metrics.Add(name, metric);
        }

        metric.Values.AddRange(values);
        return this;
    }

    /// <summary>Sets a root member that is neither a dimension nor a metric (a request id, a version): searchable in the log, not a metric.</summary>
    public EmfDocument SetProperty(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SetProperty(name, new PropertyValue(PropertyKind.String, value, 0, 0));
    }

    /// <summary>Sets a numeric property (not a metric).</summary>
    public EmfDocument SetProperty(string name, long value) => SetProperty(name, new PropertyValue(PropertyKind.Integer, null, value, 0));

    /// <summary>Sets a numeric property (not a metric); it must be finite, as JSON has no NaN or Infinity.</summary>
    public EmfDocument SetProperty(string name, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"EMF: property '{name}' is {value.ToString(CultureInfo.InvariantCulture)}; JSON numbers are finite", nameof(value));
        }

        return SetProperty(name, new PropertyValue(PropertyKind.Number, null, 0, value));
    }

    /// <summary>Sets a boolean property.</summary>
    public EmfDocument SetProperty(string name, bool value) => SetProperty(name, new PropertyValue(PropertyKind.Boolean, null, value ? 1 : 0, 0));

    /// <summary>Sets a property to any JSON value (an object, an array); the element is copied.</summary>
    public EmfDocument SetProperty(string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException($"EMF: property '{name}' has no JSON value", nameof(value));
        }

        return SetProperty(name, new PropertyValue(PropertyKind.Json, null, 0, 0, value.Clone()));
    }

    private EmfDocument SetProperty(string name, PropertyValue value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            throw new ArgumentException("EMF: a property name is empty", nameof(name));
        }

        Claim(name, MemberKind.Property, nameof(name));
        _properties[name] = value;
        return this;
    }

    private void Claim(string name, MemberKind kind, string parameter)
    {
        CheckClaim(name, kind, parameter);
        _members[name] = kind;
    }

    private void CheckClaim(string name, MemberKind kind, string parameter)
    {
        if (name == MetadataMember)
        {
            throw new ArgumentException($"EMF: '{MetadataMember}' is the metadata member and cannot name a {Describe(kind)}", parameter);
        }

        if (_members.TryGetValue(name, out var existing) && existing != kind)
        {
            throw new ArgumentException($"EMF: '{name}' is already a {Describe(existing)} and cannot also be a {Describe(kind)}", parameter);
        }
    }

    private static string Describe(MemberKind kind) => kind switch
    {
        MemberKind.Dimension => "dimension",
        MemberKind.Metric => "metric",
        _ => "property",
    };

    private static void CheckNamespace(string @namespace)
    {
        ArgumentNullException.ThrowIfNull(@namespace);

        // "AWS/" is reserved for AWS's own services.
        if (string.IsNullOrWhiteSpace(@namespace) || @namespace.Length > EmfMetrics.MaxNameLength
            || @namespace.AsSpan().ContainsAnyExcept(NamespaceCharacters) || @namespace.StartsWith("AWS/", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"EMF: namespace {Quote(@namespace)} must be 1 to {EmfMetrics.MaxNameLength} letters, digits, spaces or . - _ / # : and must not start with AWS/",
                nameof(@namespace));
        }
    }

    private static void CheckMetricName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(name) || name.Length > EmfMetrics.MaxNameLength || name.AsSpan().IndexOfAnyInRange('\0', '\u001f') >= 0)
        {
            throw new ArgumentException(
                $"EMF: metric name {Quote(name)} must be 1 to {EmfMetrics.MaxNameLength} characters without control characters, not all spaces",
                nameof(name));
        }
    }

    private static void CheckDimensionName(string name, string parameter)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);

        // CloudWatch's Dimension type: ASCII without control characters, at least one non-space, no leading colon.
        if (string.IsNullOrWhiteSpace(name) || name.Length > EmfMetrics.MaxNameLength || !IsPrintableAscii(name) || name[0] == ':')
        {
            throw new ArgumentException(
                $"EMF: dimension name {Quote(name)} must be 1 to {EmfMetrics.MaxNameLength} printable ASCII characters, not all spaces, not starting with ':'",
                parameter);
        }
    }

    private static bool IsPrintableAscii(string text) => !text.AsSpan().ContainsAnyExceptInRange(' ', '~');

    // Long or multi-line input is cut so an exception message stays one readable line.
    private static string Quote(string text) =>
        text.Length <= 64 ? $"'{text.ReplaceLineEndings(" ")}'" : $"'{text[..64].ReplaceLineEndings(" ")}…' ({text.Length} characters)";

    private enum MemberKind
    {
        Dimension,
        Metric,
        Property,
    }

    private enum PropertyKind
    {
        String,
        Integer,
        Number,
        Boolean,
        Json,
    }

    private sealed class Metric(EmfUnit unit, EmfStorageResolution storageResolution)
    {
        public EmfUnit Unit { get; } = unit;

        public EmfStorageResolution StorageResolution { get; } = storageResolution;

        public List<double> Values { get; } = [];
    }

    private readonly record struct PropertyValue(PropertyKind Kind, string? Text, long Integer, double Number, JsonElement Json = default)
    {
        public void WriteTo(Utf8JsonWriter writer)
        {
            switch (Kind)
            {
                case PropertyKind.String: writer.WriteStringValue(Text); break;
                case PropertyKind.Integer: writer.WriteNumberValue(Integer); break;
                case PropertyKind.Number: writer.WriteNumberValue(Number); break;
                case PropertyKind.Boolean: writer.WriteBooleanValue(Integer != 0); break;
                default: Json.WriteTo(writer); break;
            }
        }
    }
}
