namespace Gateway.Processing.Metrics;

/// <summary>
/// Limits of the CloudWatch Embedded Metric Format (EMF): log lines that CloudWatch Logs turns into metrics, so a
/// Lambda publishes metrics by writing to stdout, with no SDK and no API call. <see cref="EmfDocument"/> writes them.
/// </summary>
public static class EmfMetrics
{
    /// <summary>At most this many metric definitions in one directive (EMF specification, MetricDirective).</summary>
    public const int MaxMetricsPerDocument = 100;

    /// <summary>At most this many values in one metric's array (EMF specification, target members).</summary>
    public const int MaxValuesPerMetric = 100;

    /// <summary>At most this many dimensions in one dimension set (CloudWatch's limit of dimensions per metric; older versions of the EMF specification said 9).</summary>
    public const int MaxDimensionsPerSet = 30;

    /// <summary>Longest namespace, metric name or dimension name, in characters (the specification's JSON schema).</summary>
    public const int MaxNameLength = 255;

    /// <summary>Longest dimension value, in characters (CloudWatch's Dimension type).</summary>
    public const int MaxDimensionValueLength = 1024;

    /// <summary>Largest magnitude of a metric value: CloudWatch rejects values outside ±2^360 (MetricDatum).</summary>
    public static readonly double MaxMagnitude = Math.Pow(2, 360);

    /// <summary>The unit's name as CloudWatch spells it (<c>Bytes/Second</c> for <see cref="EmfUnit.BytesPerSecond"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is not a defined <see cref="EmfUnit"/>.</exception>
    public static string UnitName(EmfUnit unit) => unit switch
    {
        EmfUnit.None => "None",
        EmfUnit.Count => "Count",
        EmfUnit.Percent => "Percent",
        EmfUnit.Seconds => "Seconds",
        EmfUnit.Milliseconds => "Milliseconds",
        EmfUnit.Microseconds => "Microseconds",
        EmfUnit.Bytes => "Bytes",
        EmfUnit.Kilobytes => "Kilobytes",
        EmfUnit.Megabytes => "Megabytes",
        EmfUnit.Gigabytes => "Gigabytes",
        EmfUnit.Terabytes => "Terabytes",
        EmfUnit.Bits => "Bits",
        EmfUnit.Kilobits => "Kilobits",
        EmfUnit.Megabits => "Megabits",
        EmfUnit.Gigabits => "Gigabits",
        EmfUnit.Terabits => "Terabits",
        EmfUnit.BytesPerSecond => "Bytes/Second",
        EmfUnit.KilobytesPerSecond => "Kilobytes/Second",
        EmfUnit.MegabytesPerSecond => "Megabytes/Second",
        EmfUnit.GigabytesPerSecond => "Gigabytes/Second",
        EmfUnit.TerabytesPerSecond => "Terabytes/Second",
        EmfUnit.BitsPerSecond => "Bits/Second",
        EmfUnit.KilobitsPerSecond => "Kilobits/Second",
        EmfUnit.MegabitsPerSecond => "Megabits/Second",
        EmfUnit.GigabitsPerSecond => "Gigabits/Second",
        EmfUnit.TerabitsPerSecond => "Terabits/Second",
        EmfUnit.CountPerSecond => "Count/Second",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "EMF: not a CloudWatch unit"),
    };
}

/// <summary>A CloudWatch metric unit (the MetricDatum Unit values).</summary>
public enum EmfUnit
{
    /// <summary>No unit; what CloudWatch assumes when none is given.</summary>
    None,

    /// <summary>A count.</summary>
    Count,

    /// <summary>A percentage.</summary>
    Percent,

    /// <summary>Seconds.</summary>
    Seconds,

    /// <summary>Milliseconds.</summary>
    Milliseconds,

    /// <summary>Microseconds.</summary>
    Microseconds,

    /// <summary>Bytes.</summary>
    Bytes,

    /// <summary>Kilobytes.</summary>
    Kilobytes,

    /// <summary>Megabytes.</summary>
    Megabytes,

    /// <summary>Gigabytes.</summary>
    Gigabytes,

    /// <summary>Terabytes.</summary>
    Terabytes,

    /// <summary>Bits.</summary>
    Bits,

    /// <summary>Kilobits.</summary>
    Kilobits,

    /// <summary>Megabits.</summary>
    Megabits,

    /// <summary>Gigabits.</summary>
    Gigabits,

    /// <summary>Terabits.</summary>
    Terabits,

    /// <summary>Bytes per second.</summary>
    BytesPerSecond,

    /// <summary>Kilobytes per second.</summary>
    KilobytesPerSecond,

    /// <summary>Megabytes per second.</summary>
    MegabytesPerSecond,

    /// <summary>Gigabytes per second.</summary>
    GigabytesPerSecond,

    /// <summary>Terabytes per second.</summary>
    TerabytesPerSecond,

    /// <summary>Bits per second.</summary>
    BitsPerSecond,

    /// <summary>Kilobits per second.</summary>
    KilobitsPerSecond,

    /// <summary>Megabits per second.</summary>
    MegabitsPerSecond,

    /// <summary>Gigabits per second.</summary>
    GigabitsPerSecond,

    /// <summary>Terabits per second.</summary>
    TerabitsPerSecond,

    /// <summary>A count per second.</summary>
    CountPerSecond,
}

/// <summary>How finely CloudWatch stores a metric; the value is the EMF <c>StorageResolution</c> in seconds.</summary>
public enum EmfStorageResolution
{
    /// <summary>One-minute resolution, the default; left out of the document.</summary>
    Standard = 60,

    /// <summary>One-second resolution (a high-resolution custom metric, billed as such).</summary>
    High = 1,
}
