namespace Gateway.Streams;

/// <summary>Where an appended record landed: its shard and its sequence number within that shard.</summary>
public readonly record struct AppendResult(string ShardId, string SequenceNumber);
