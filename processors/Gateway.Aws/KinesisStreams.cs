using System.Text.Json.Serialization;
using Gateway.Aws.Internal;

namespace Gateway.Aws;

/// <summary>Stream status values (Kinesis <c>StreamStatus</c>).</summary>
public static class StreamStatus
{
    /// <summary>Being created; not yet writable.</summary>
    public const string Creating = "CREATING";

    /// <summary>Being deleted.</summary>
    public const string Deleting = "DELETING";

    /// <summary>Readable and writable.</summary>
    public const string Active = "ACTIVE";

    /// <summary>Being resharded or reconfigured; still readable and writable.</summary>
    public const string Updating = "UPDATING";
}

/// <summary>CreateStream input. Creation is asynchronous: wait for ACTIVE (see <see cref="KinesisClient.WaitForStreamActiveAsync"/>).</summary>
public sealed record CreateStreamRequest
{
    /// <summary>1..128 characters of [a-zA-Z0-9_.-].</summary>
    public required string StreamName { get; init; }

    /// <summary>Shards to create (provisioned mode).</summary>
    public int? ShardCount { get; init; }

    /// <summary>PROVISIONED or ON_DEMAND.</summary>
    public StreamModeDetails? StreamModeDetails { get; init; }

    /// <summary>Tags to attach.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>The capacity mode of a stream.</summary>
public sealed record StreamModeDetails
{
    /// <summary>PROVISIONED or ON_DEMAND.</summary>
    public string StreamMode { get; init; } = "PROVISIONED";
}

/// <summary>CreateStream output (empty).</summary>
public sealed record CreateStreamResponse;

/// <summary>DeleteStream input.</summary>
public sealed record DeleteStreamRequest
{
    /// <summary>The stream's name (or use <see cref="StreamARN"/>).</summary>
    public string? StreamName { get; init; }

    /// <summary>The stream's ARN.</summary>
    public string? StreamARN { get; init; }

    /// <summary>Delete even when consumers are registered.</summary>
    public bool? EnforceConsumerDeletion { get; init; }
}

/// <summary>DeleteStream output (empty).</summary>
public sealed record DeleteStreamResponse;

/// <summary>DescribeStreamSummary input.</summary>
public sealed record DescribeStreamSummaryRequest
{
    /// <summary>The stream's name (or use <see cref="StreamARN"/>).</summary>
    public string? StreamName { get; init; }

    /// <summary>The stream's ARN.</summary>
    public string? StreamARN { get; init; }
}

/// <summary>DescribeStreamSummary output.</summary>
public sealed record DescribeStreamSummaryResponse
{
    /// <summary>The stream's status and settings.</summary>
    public StreamDescriptionSummary StreamDescriptionSummary { get; init; } = new();
}

/// <summary>A stream's status and settings, without its shards.</summary>
public sealed record StreamDescriptionSummary
{
    /// <summary>The name.</summary>
    public string StreamName { get; init; } = "";

    /// <summary>The ARN.</summary>
    public string StreamARN { get; init; } = "";

    /// <summary>One of the <see cref="Aws.StreamStatus"/> constants.</summary>
    public string StreamStatus { get; init; } = "";

    /// <summary>The capacity mode.</summary>
    public StreamModeDetails? StreamModeDetails { get; init; }

    /// <summary>Hours records are kept.</summary>
    public int RetentionPeriodHours { get; init; }

    /// <summary>When the stream was created.</summary>
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset StreamCreationTimestamp { get; init; }

    /// <summary>NONE or KMS.</summary>
    public string? EncryptionType { get; init; }

    /// <summary>The KMS key, when encrypted.</summary>
    public string? KeyId { get; init; }

    /// <summary>Shards that accept writes.</summary>
    public int OpenShardCount { get; init; }

    /// <summary>Registered enhanced fan-out consumers.</summary>
    public int? ConsumerCount { get; init; }
}

/// <summary>ListShards input. <see cref="NextToken"/> cannot be combined with <see cref="StreamName"/>.</summary>
public sealed record ListShardsRequest
{
    /// <summary>The stream's name (or use <see cref="StreamARN"/>); omit when passing <see cref="NextToken"/>.</summary>
    public string? StreamName { get; init; }

    /// <summary>The stream's ARN.</summary>
    public string? StreamARN { get; init; }

    /// <summary>The token from the previous page.</summary>
    public string? NextToken { get; init; }

    /// <summary>List shards after this one.</summary>
    public string? ExclusiveStartShardId { get; init; }

    /// <summary>Page size, 1..10,000.</summary>
    public int? MaxResults { get; init; }
}

/// <summary>ListShards output.</summary>
public sealed record ListShardsResponse
{
    /// <summary>The shards on this page.</summary>
    public IReadOnlyList<Shard> Shards { get; init; } = [];

    /// <summary>The token for the next page; null on the last.</summary>
    public string? NextToken { get; init; }
}

/// <summary>One shard: its hash-key range and sequence-number range.</summary>
public sealed record Shard
{
    /// <summary>The id, e.g. shardId-000000000000.</summary>
    public string ShardId { get; init; } = "";

    /// <summary>The shard this one was split from or merged into.</summary>
    public string? ParentShardId { get; init; }

    /// <summary>The other parent of a merge.</summary>
    public string? AdjacentParentShardId { get; init; }

    /// <summary>The hash keys it owns.</summary>
    public HashKeyRange HashKeyRange { get; init; } = new();

    /// <summary>Its sequence numbers; an ending number means the shard is closed.</summary>
    public SequenceNumberRange SequenceNumberRange { get; init; } = new();
}

/// <summary>An inclusive range of 128-bit hash keys, as decimal strings.</summary>
public sealed record HashKeyRange
{
    /// <summary>The lowest hash key.</summary>
    public string StartingHashKey { get; init; } = "";

    /// <summary>The highest hash key.</summary>
    public string EndingHashKey { get; init; } = "";
}

/// <summary>A shard's sequence numbers.</summary>
public sealed record SequenceNumberRange
{
    /// <summary>The first sequence number.</summary>
    public string StartingSequenceNumber { get; init; } = "";

    /// <summary>The last one, once the shard is closed; null while it is open.</summary>
    public string? EndingSequenceNumber { get; init; }
}
