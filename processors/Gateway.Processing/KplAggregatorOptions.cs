namespace Gateway.Processing;

/// <summary>Size limits and shard layout for a <see cref="KplAggregator"/>.</summary>
public sealed class KplAggregatorOptions
{
    /// <summary>Default target: Firehose bills ingestion in 5 KB increments, so larger aggregates buy nothing there.</summary>
    public const int DefaultTargetSize = 5 * 1024;

    /// <summary>Kinesis' default record limit, 1 MiB, which counts the data blob plus the partition key.</summary>
    public const int DefaultMaxRecordSize = 1024 * 1024;

    /// <summary>Largest record limit a stream can be configured for (<c>MaxRecordSizeInKiB</c> up to 10240).</summary>
    public const int LargestMaxRecordSize = 10 * 1024 * 1024;

    /// <summary>Smallest allowed target; the KPL's <c>AggregationMaxSize</c> has the same floor.</summary>
    public const int MinTargetSize = 64;

    /// <summary>Most bytes one aggregated record may take, counting magic, protobuf, MD5 and the outer partition key's UTF-8 bytes.</summary>
    public int TargetSize { get; init; } = DefaultTargetSize;

    /// <summary>The stream's record size limit (data + partition key); a record that cannot be aggregated under the target is sent alone if it fits this.</summary>
    public int MaxRecordSize { get; init; } = DefaultMaxRecordSize;

    /// <summary>The stream's open shards' hash-key ranges, sorted and covering 0..2^128-1; each shard gets its own aggregate (and buffer of up to TargetSize).</summary>
    public IReadOnlyList<HashKeyRange> ShardHashKeyRanges { get; init; } = [HashKeyRange.All];
}
