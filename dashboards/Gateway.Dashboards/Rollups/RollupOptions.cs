namespace Gateway.Dashboards.Rollups;

/// <summary>The resolution of a series.</summary>
public enum RollupStep
{
    /// <summary>One point per UTC minute (kept for <see cref="RollupOptions.MinuteRetention"/>).</summary>
    Minute,

    /// <summary>One point per UTC hour (kept for <see cref="RollupOptions.Retention"/>).</summary>
    Hour,

    /// <summary>One point per UTC day, built from its hours (counters summed, sketches merged).</summary>
    Day,
}

/// <summary>Retention and bounds of a <see cref="RollupStore"/>.</summary>
public sealed record RollupOptions
{
    /// <summary>The pixel id that collects events past <see cref="MaxPixels"/> (and past <see cref="MaxBytes"/>).</summary>
    public const string OtherPixel = "(other)";

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

    /// <summary>
    /// The memory the store may take, by <see cref="RollupStore.ApproximateBytes"/>. Default 256 MiB. Once reached, the
    /// store still counts every event but stops taking memory for new values (see <see cref="RollupStore"/>).
    /// </summary>
    public long MaxBytes { get; init; } = 256L * 1024 * 1024;
}

/// <summary>One point of a series: the bucket starting at <paramref name="Time"/>.</summary>
public sealed record RollupPoint(DateTimeOffset Time, RollupBucket Bucket);
