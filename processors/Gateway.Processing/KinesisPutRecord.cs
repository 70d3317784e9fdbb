namespace Gateway.Processing;

/// <summary>
/// One record ready for Kinesis PutRecords, handed to a <see cref="KinesisPutRecordHandler"/>. The spans point into
/// the aggregator's buffers and are valid only until the handler returns; copy what must outlive the call.
/// </summary>
public readonly ref struct KinesisPutRecord
{
    internal KinesisPutRecord(string partitionKey, ReadOnlySpan<char> explicitHashKey, ReadOnlySpan<byte> data, int userRecordCount, bool isAggregated, int shardIndex)
    {
        PartitionKey = partitionKey;
        ExplicitHashKey = explicitHashKey;
        Data = data;
        UserRecordCount = userRecordCount;
        IsAggregated = isAggregated;
        ShardIndex = shardIndex;
    }

    /// <summary>The outer partition key: the first user record's.</summary>
    public string PartitionKey { get; }

    /// <summary>The outer explicit hash key in decimal, empty when the record should be sent without one.</summary>
    public ReadOnlySpan<char> ExplicitHashKey { get; }

    /// <summary>The data blob: a KPL aggregated record, or a single user record's own data.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>How many user records the blob carries.</summary>
    public int UserRecordCount { get; }

    /// <summary>True when <see cref="Data"/> is in the KPL aggregated format; false for a user record sent as is.</summary>
    public bool IsAggregated { get; }

    /// <summary>Index into <see cref="KplAggregatorOptions.ShardHashKeyRanges"/> of the shard every user record in it maps to.</summary>
    public int ShardIndex { get; }
}

/// <summary>Receives each record the aggregator completes.</summary>
public delegate void KinesisPutRecordHandler(in KinesisPutRecord record);
