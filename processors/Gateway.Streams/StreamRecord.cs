namespace Gateway.Streams;

/// <summary>One record read from a shard.</summary>
public sealed record StreamRecord(
    string ShardId,
    string SequenceNumber,
    DateTimeOffset ApproximateArrivalTimestamp,
    string PartitionKey,
    ReadOnlyMemory<byte> Data);
