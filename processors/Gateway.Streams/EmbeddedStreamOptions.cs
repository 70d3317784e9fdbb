namespace Gateway.Streams;

/// <summary>Settings of an <see cref="EmbeddedStream"/>; defaults suit one machine.</summary>
public sealed record EmbeddedStreamOptions
{
    /// <summary>Directory holding stream.json, the shard folders and their segment files; created if missing.</summary>
    public required string Directory { get; init; }

    /// <summary>Stream name, recorded in stream.json on creation.</summary>
    public string StreamName { get; init; } = "gateway";

    /// <summary>Number of shards; fixed when the stream is created (the embedded stream cannot reshard).</summary>
    public int ShardCount { get; init; } = 1;

    /// <summary>When appends complete: after fsync (default) or after write(2).</summary>
    public Durability Durability { get; init; } = Durability.Fsync;

    /// <summary>With <see cref="Durability.Write"/>, the longest time acknowledged records stay un-fsynced.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the writer waits after the first pending append to gather more; zero batches only what queued up during the previous fsync.</summary>
    public TimeSpan GroupCommitDelay { get; init; } = TimeSpan.Zero;

    /// <summary>A segment file is closed and a new one started once it would grow past this many bytes.</summary>
    public long SegmentSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>Closed segments whose newest record is older than this are deleted.</summary>
    public TimeSpan RetentionPeriod { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Oldest closed segments are deleted while a shard holds more than this many bytes.</summary>
    public long MaxBytesPerShard { get; init; } = 10L * 1024 * 1024 * 1024;

    /// <summary>How often the stream applies retention on its own.</summary>
    public TimeSpan RetentionCheckInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Appends that may wait for the writer before <see cref="IRecordStream.AppendAsync"/> callers wait for space.</summary>
    public int QueueCapacity { get; init; } = 4096;

    /// <summary>Test hook: called with "write" or "fsync" before the writer does it; an exception thrown here acts as that I/O failing.</summary>
    internal Action<string>? FaultInjection { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new ArgumentException("EmbeddedStreamOptions.Directory is required: the directory that holds (or will hold) the stream's files.", nameof(Directory));
        }

        if (string.IsNullOrWhiteSpace(StreamName))
        {
            throw new ArgumentException("EmbeddedStreamOptions.StreamName must not be empty.", nameof(StreamName));
        }

        Require(ShardCount is >= 1 and <= 1024, nameof(ShardCount), $"must be between 1 and 1024; got {ShardCount}");
        Require(Enum.IsDefined(Durability), nameof(Durability), $"must be Fsync or Write; got {Durability}");
        Require(FlushInterval > TimeSpan.Zero, nameof(FlushInterval), $"must be positive; got {FlushInterval}");
        Require(GroupCommitDelay >= TimeSpan.Zero, nameof(GroupCommitDelay), $"must not be negative; got {GroupCommitDelay}");
        Require(SegmentSize >= 1024, nameof(SegmentSize), $"must be at least 1024 bytes; got {SegmentSize}");
        Require(RetentionPeriod > TimeSpan.Zero, nameof(RetentionPeriod), $"must be positive; got {RetentionPeriod}");
        Require(MaxBytesPerShard > 0, nameof(MaxBytesPerShard), $"must be positive; got {MaxBytesPerShard}");
        Require(RetentionCheckInterval > TimeSpan.Zero, nameof(RetentionCheckInterval), $"must be positive; got {RetentionCheckInterval}");
        Require(QueueCapacity >= 1, nameof(QueueCapacity), $"must be at least 1; got {QueueCapacity}");
    }

    private static void Require(bool condition, string option, string problem)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(option, $"EmbeddedStreamOptions.{option} {problem}.");
        }
    }
}
