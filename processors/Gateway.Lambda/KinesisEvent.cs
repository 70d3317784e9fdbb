using System.Text.Json.Serialization;
using Gateway.Aws;
using Gateway.Lambda.Internal;

namespace Gateway.Lambda;

/// <summary>The event Lambda sends for a Kinesis event source mapping: one batch from one shard, in sequence order.</summary>
public sealed class KinesisEvent
{
    /// <summary>The records; the key is capital-R <c>Records</c> as AWS sends it.</summary>
    [JsonPropertyName("Records")]
    public IReadOnlyList<KinesisEventRecord> Records { get; set; } = [];
}

/// <summary>One record of a <see cref="KinesisEvent"/> with its event-source envelope.</summary>
public sealed class KinesisEventRecord
{
    /// <summary>The Kinesis record itself.</summary>
    [JsonPropertyName("kinesis")]
    public KinesisRecord Kinesis { get; set; } = new();

    /// <summary>Always <c>aws:kinesis</c>.</summary>
    [JsonPropertyName("eventSource")]
    public string EventSource { get; set; } = "";

    /// <summary>The envelope version, <c>1.0</c>.</summary>
    [JsonPropertyName("eventVersion")]
    public string EventVersion { get; set; } = "";

    /// <summary><c>&lt;shardId&gt;:&lt;sequenceNumber&gt;</c>.</summary>
    [JsonPropertyName("eventID")]
    public string EventId { get; set; } = "";

    /// <summary>Always <c>aws:kinesis:record</c>.</summary>
    [JsonPropertyName("eventName")]
    public string EventName { get; set; } = "";

    /// <summary>The role Lambda used to read the stream.</summary>
    [JsonPropertyName("invokeIdentityArn")]
    public string InvokeIdentityArn { get; set; } = "";

    /// <summary>The stream's region.</summary>
    [JsonPropertyName("awsRegion")]
    public string AwsRegion { get; set; } = "";

    /// <summary>The stream's ARN.</summary>
    [JsonPropertyName("eventSourceARN")]
    public string EventSourceArn { get; set; } = "";
}

/// <summary>The Kinesis part of a <see cref="KinesisEventRecord"/>.</summary>
public sealed class KinesisRecord
{
    /// <summary>The record schema version, <c>1.0</c>.</summary>
    [JsonPropertyName("kinesisSchemaVersion")]
    public string KinesisSchemaVersion { get; set; } = "";

    /// <summary>The producer's partition key.</summary>
    [JsonPropertyName("partitionKey")]
    public string PartitionKey { get; set; } = "";

    /// <summary>Decimal string of up to 129 digits; compare with <see cref="KinesisSequenceNumber.Compare"/>, never as a 64-bit integer.</summary>
    [JsonPropertyName("sequenceNumber")]
    public string SequenceNumber { get; set; } = "";

    /// <summary>The record bytes (base64 on the wire); the KPL-aggregated blob when the producer aggregated, as Lambda does not de-aggregate.</summary>
    [JsonPropertyName("data")]
    public ReadOnlyMemory<byte> Data { get; set; }

    /// <summary>When Kinesis accepted the record; epoch seconds with a millisecond fraction on the wire.</summary>
    [JsonPropertyName("approximateArrivalTimestamp")]
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset ApproximateArrivalTimestamp { get; set; }

    /// <summary><c>NONE</c> or <c>KMS</c>; absent in older events.</summary>
    [JsonPropertyName("encryptionType")]
    public string? EncryptionType { get; set; }
}
