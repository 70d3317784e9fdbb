namespace Gateway.Streams;

/// <summary>Records read from one shard, the position to read from next, and how far behind the newest record the reader is.</summary>
/// <param name="Records">The records, in sequence order.</param>
/// <param name="Next">The position after the last returned record, or the input position when none was returned.</param>
/// <param name="MillisBehindLatest">0 when the read reached the newest record, else the age of the last returned record.</param>
public sealed record ReadResult(IReadOnlyList<StreamRecord> Records, StreamPosition Next, long MillisBehindLatest)
{
    /// <summary>Records between the requested position and the oldest retained one that retention had already deleted, so the read skipped them.</summary>
    public long ExpiredRecordsSkipped { get; init; }
}
