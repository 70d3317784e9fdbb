namespace Gateway.Streams;

/// <summary>A stream's name and its shards, in shard-id order.</summary>
public sealed record StreamDescription(string Name, IReadOnlyList<ShardDescription> Shards);

/// <summary>One shard and the inclusive range of 128-bit hash keys it owns (Kinesis <c>HashKeyRange</c>).</summary>
public sealed record ShardDescription(string ShardId, UInt128 StartingHashKey, UInt128 EndingHashKey);
