namespace Gateway.Streams;

/// <summary>A Kinesis-shaped record stream: shards chosen by MD5(partition key), per-shard sequence numbers, at-least-once reads.</summary>
public interface IRecordStream : IAsyncDisposable
{
    /// <summary>Stream name and its shards with their hash-key ranges.</summary>
    StreamDescription Description { get; }

    /// <summary>Appends one record; completes when the record is as durable as the stream's durability setting promises.</summary>
    /// <remarks>The caller must keep <paramref name="data"/> unchanged until the returned task completes (the writer reads it without copying).</remarks>
    ValueTask<AppendResult> AppendAsync(string partitionKey, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Reads up to <paramref name="maxRecords"/> records of one shard that follow <paramref name="after"/>, in sequence order.</summary>
    ValueTask<ReadResult> ReadAsync(string shardId, StreamPosition after, int maxRecords, CancellationToken cancellationToken = default);

    /// <summary>Completes when <paramref name="shardId"/> may have a record after <paramref name="after"/> (a consumer then reads again).</summary>
    ValueTask WaitForRecordsAsync(string shardId, StreamPosition after, CancellationToken cancellationToken = default);
}

/// <summary>Durable per-consumer checkpoints: the last sequence number a consumer has fully processed, per shard.</summary>
public interface ICheckpointStore
{
    /// <summary>The committed position of <paramref name="consumer"/> on <paramref name="shardId"/>, or <see cref="StreamPosition.TrimHorizon"/>.</summary>
    ValueTask<StreamPosition> GetAsync(string consumer, string shardId, CancellationToken cancellationToken = default);

    /// <summary>Durably records that <paramref name="consumer"/> processed everything up to and including <paramref name="position"/>.</summary>
    ValueTask CommitAsync(string consumer, string shardId, StreamPosition position, CancellationToken cancellationToken = default);
}
