namespace Gateway.Aws;

/// <summary>Batching and retry settings of a <see cref="KinesisRecordWriter"/>.</summary>
public sealed record KinesisRecordWriterOptions
{
    /// <summary>The PutRecords limit on entries per call.</summary>
    public const int MaxRecordsPerRequestLimit = 500;

    /// <summary>The PutRecords limit on data plus partition keys per call: 5 MiB, the long-documented value (newer docs say 10 MiB for large-record streams).</summary>
    public const int MaxBytesPerRequestLimit = 5 * 1024 * 1024;

    /// <summary>Tries per entry, the first included; entries still failing after this many are reported as failed.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The backoff cap of the first retry; each later retry doubles it (full jitter picks a delay in [0, cap)).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest backoff cap.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Entries per PutRecords call, at most 500.</summary>
    public int MaxRecordsPerRequest { get; init; } = MaxRecordsPerRequestLimit;

    /// <summary>Data plus UTF-8 partition-key bytes per PutRecords call, at most 5 MiB.</summary>
    public int MaxBytesPerRequest { get; init; } = MaxBytesPerRequestLimit;

    /// <summary>Test hook: a number in [0, 1) that scales each backoff cap; defaults to <see cref="Random.Shared"/>.</summary>
    internal Func<double>? Jitter { get; init; }

    internal void Validate()
    {
        Require(MaxAttempts >= 1, nameof(MaxAttempts), $"must be at least 1; got {MaxAttempts}");
        Require(BaseDelay >= TimeSpan.Zero, nameof(BaseDelay), $"must not be negative; got {BaseDelay}");
        Require(MaxDelay >= BaseDelay, nameof(MaxDelay), $"must be at least BaseDelay ({BaseDelay}); got {MaxDelay}");
        Require(MaxRecordsPerRequest is >= 1 and <= MaxRecordsPerRequestLimit, nameof(MaxRecordsPerRequest), $"must be between 1 and {MaxRecordsPerRequestLimit}; got {MaxRecordsPerRequest}");
        Require(
            MaxBytesPerRequest is >= Internal.KinesisLimits.MaxRecordBytes and <= MaxBytesPerRequestLimit,
            nameof(MaxBytesPerRequest),
            $"must be between {Internal.KinesisLimits.MaxRecordBytes} (one full record) and {MaxBytesPerRequestLimit}; got {MaxBytesPerRequest}");
    }

    private static void Require(bool condition, string option, string problem)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(option, $"KinesisRecordWriterOptions.{option} {problem}.");
        }
    }
}
