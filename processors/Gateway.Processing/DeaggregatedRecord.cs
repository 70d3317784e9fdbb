namespace Gateway.Processing;

/// <summary>
/// One user record taken out of a Kinesis record, handed to a <see cref="DeaggregatedRecordHandler"/>.
/// <see cref="Data"/> points into the caller's input and is valid while that input is.
/// </summary>
public readonly ref struct DeaggregatedRecord
{
    internal DeaggregatedRecord(string partitionKey, string? explicitHashKey, ReadOnlySpan<byte> data, int subSequenceNumber, bool isAggregated)
    {
        PartitionKey = partitionKey;
        ExplicitHashKey = explicitHashKey;
        Data = data;
        SubSequenceNumber = subSequenceNumber;
        IsAggregated = isAggregated;
    }

    /// <summary>The sub-record's partition key from the key table, or the outer key for a plain record.</summary>
    public string PartitionKey { get; }

    /// <summary>The sub-record's own explicit hash key, null when it has none (the outer one is not inherited); the outer one for a plain record.</summary>
    public string? ExplicitHashKey { get; }

    /// <summary>The user data.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Zero-based position in the aggregated record (the KCL's sub-sequence number); 0 for a plain record.</summary>
    public int SubSequenceNumber { get; }

    /// <summary>True when the record came out of a KPL aggregated record.</summary>
    public bool IsAggregated { get; }
}

/// <summary>Receives each user record found by <see cref="KplDeaggregator.Deaggregate"/>.</summary>
public delegate void DeaggregatedRecordHandler(in DeaggregatedRecord record);
