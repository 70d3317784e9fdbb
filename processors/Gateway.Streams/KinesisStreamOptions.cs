using Gateway.Aws;

namespace Gateway.Streams;

/// <summary>Settings of a <see cref="KinesisRecordStream"/>.</summary>
public sealed record KinesisStreamOptions
{
    /// <summary>The Kinesis stream's name.</summary>
    public required string StreamName { get; init; }

    /// <summary>Create the stream (with <see cref="ShardCount"/> shards) when it does not exist; meant for local Kinesis-API servers.</summary>
    public bool CreateIfMissing { get; init; }

    /// <summary>Shards of a stream created because of <see cref="CreateIfMissing"/>.</summary>
    public int ShardCount { get; init; } = 1;

    /// <summary>How long opening waits for a CREATING or UPDATING stream to become ACTIVE.</summary>
    public TimeSpan ActiveTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Appends that may wait for a PutRecords call before <see cref="IRecordStream.AppendAsync"/> callers wait for space.</summary>
    public int QueueCapacity { get; init; } = 10_000;

    /// <summary>PutRecords calls in flight at once; 1 keeps batches largest, more helps when round trips dominate.</summary>
    public int MaxConcurrentRequests { get; init; } = 1;

    /// <summary>How long a consumer waits before reading an idle shard again; Kinesis allows 5 GetRecords calls per second per shard.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Batch limits and retries of each PutRecords call.</summary>
    public KinesisRecordWriterOptions Writer { get; init; } = new();

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(StreamName))
        {
            throw new ArgumentException("KinesisStreamOptions.StreamName is required: the name of the Kinesis stream to append to and read from.", nameof(StreamName));
        }

        Require(ShardCount >= 1, nameof(ShardCount), $"must be at least 1; got {ShardCount}");
        Require(PollInterval >= TimeSpan.FromMilliseconds(200), nameof(PollInterval), $"must be at least 200 ms (the per-shard GetRecords limit); got {PollInterval}");
        Require(ActiveTimeout > TimeSpan.Zero, nameof(ActiveTimeout), $"must be positive; got {ActiveTimeout}");
        Require(QueueCapacity >= 1, nameof(QueueCapacity), $"must be at least 1; got {QueueCapacity}");
        Require(MaxConcurrentRequests is >= 1 and <= 64, nameof(MaxConcurrentRequests), $"must be between 1 and 64; got {MaxConcurrentRequests}");
        ArgumentNullException.ThrowIfNull(Writer, nameof(Writer));
    }

    private static void Require(bool condition, string option, string problem)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(option, $"KinesisStreamOptions.{option} {problem}.");
        }
    }
}
