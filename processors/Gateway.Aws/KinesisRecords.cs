using System.Text.Json.Serialization;
using Gateway.Aws.Internal;

namespace Gateway.Aws;

/// <summary>PutRecords input: up to 500 entries, at most 5 MiB of data plus partition keys.</summary>
public sealed record PutRecordsRequest
{
    /// <summary>The stream's name (or use <see cref="StreamARN"/>).</summary>
    public string? StreamName { get; init; }

    /// <summary>The stream's ARN.</summary>
    public string? StreamARN { get; init; }

    /// <summary>The entries, 1..500.</summary>
    public required IReadOnlyList<PutRecordsRequestEntry> Records { get; init; }
}

/// <summary>One record to put.</summary>
public sealed record PutRecordsRequestEntry
{
    /// <summary>The payload (sent base64-encoded); with the partition key at most 1 MiB.</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>1..256 Unicode characters; its MD5 picks the shard.</summary>
    public required string PartitionKey { get; init; }

    /// <summary>A decimal 128-bit hash key that overrides the partition key's hash.</summary>
    public string? ExplicitHashKey { get; init; }
}

/// <summary>PutRecords output: one result per request entry, in request order.</summary>
public sealed record PutRecordsResponse
{
    /// <summary>How many entries failed (their results carry <see cref="PutRecordsResultEntry.ErrorCode"/>).</summary>
    public int FailedRecordCount { get; init; }

    /// <summary>NONE or KMS.</summary>
    public string? EncryptionType { get; init; }

    /// <summary>Same length and order as the request's entries.</summary>
    public IReadOnlyList<PutRecordsResultEntry> Records { get; init; } = [];
}

/// <summary>The outcome of one put entry: a shard and sequence number, or an error code.</summary>
public sealed record PutRecordsResultEntry
{
    /// <summary>The sequence number Kinesis assigned, on success.</summary>
    public string? SequenceNumber { get; init; }

    /// <summary>The shard that stored the record, on success.</summary>
    public string? ShardId { get; init; }

    /// <summary>ProvisionedThroughputExceededException or InternalFailure, on failure.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The error's detail, on failure.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>True when the entry was stored.</summary>
    [JsonIgnore]
    public bool Succeeded => ErrorCode is null && SequenceNumber is not null;
}

/// <summary>Shard iterator types (Kinesis <c>ShardIteratorType</c>).</summary>
public static class ShardIteratorType
{
    /// <summary>At the given sequence number.</summary>
    public const string AtSequenceNumber = "AT_SEQUENCE_NUMBER";

    /// <summary>Just after the given sequence number.</summary>
    public const string AfterSequenceNumber = "AFTER_SEQUENCE_NUMBER";

    /// <summary>At the oldest record still retained.</summary>
    public const string TrimHorizon = "TRIM_HORIZON";

    /// <summary>After the newest record.</summary>
    public const string Latest = "LATEST";

    /// <summary>At the first record at or after a timestamp.</summary>
    public const string AtTimestamp = "AT_TIMESTAMP";
}

/// <summary>GetShardIterator input.</summary>
public sealed record GetShardIteratorRequest
{
    /// <summary>The stream's name (or use <see cref="StreamARN"/>).</summary>
    public string? StreamName { get; init; }

    /// <summary>The stream's ARN.</summary>
    public string? StreamARN { get; init; }

    /// <summary>The shard to read.</summary>
    public required string ShardId { get; init; }

    /// <summary>One of the <see cref="Aws.ShardIteratorType"/> constants.</summary>
    public required string ShardIteratorType { get; init; }

    /// <summary>For AT_ and AFTER_SEQUENCE_NUMBER.</summary>
    public string? StartingSequenceNumber { get; init; }

    /// <summary>For AT_TIMESTAMP (sent as epoch seconds).</summary>
    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTimeOffset? Timestamp { get; init; }
}

/// <summary>GetShardIterator output.</summary>
public sealed record GetShardIteratorResponse
{
    /// <summary>Valid for 5 minutes.</summary>
    public string ShardIterator { get; init; } = "";
}

/// <summary>GetRecords input.</summary>
public sealed record GetRecordsRequest
{
    /// <summary>From GetShardIterator or a previous GetRecords.</summary>
    public required string ShardIterator { get; init; }

    /// <summary>At most this many records, 1..10,000.</summary>
    public int? Limit { get; init; }

    /// <summary>The stream's ARN (optional).</summary>
    public string? StreamARN { get; init; }
}

/// <summary>GetRecords output.</summary>
public sealed record GetRecordsResponse
{
    /// <summary>The records, in sequence order.</summary>
    public IReadOnlyList<Record> Records { get; init; } = [];

    /// <summary>Where to continue; null once the shard is closed and fully read.</summary>
    public string? NextShardIterator { get; init; }

    /// <summary>How far the iterator is behind the newest record; 0 means caught up.</summary>
    public long MillisBehindLatest { get; init; }

    /// <summary>The shards that replaced a closed shard, once it has been read to its end.</summary>
    public IReadOnlyList<ChildShard>? ChildShards { get; init; }
}

/// <summary>One record read from a shard.</summary>
public sealed record Record
{
    /// <summary>The record's sequence number within its shard.</summary>
    public string SequenceNumber { get; init; } = "";

    /// <summary>When Kinesis accepted the record.</summary>
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset ApproximateArrivalTimestamp { get; init; }

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>The partition key it was put with.</summary>
    public string PartitionKey { get; init; } = "";

    /// <summary>NONE or KMS.</summary>
    public string? EncryptionType { get; init; }
}

/// <summary>A shard created by splitting or merging a parent.</summary>
public sealed record ChildShard
{
    /// <summary>The child's id.</summary>
    public string ShardId { get; init; } = "";

    /// <summary>The shards it replaced.</summary>
    public IReadOnlyList<string> ParentShards { get; init; } = [];

    /// <summary>The hash keys it owns.</summary>
    public HashKeyRange? HashKeyRange { get; init; }
}
