using System.Text.Json.Serialization;
using Gateway.Lambda.Internal;

namespace Gateway.Lambda;

/// <summary>The event Firehose sends to a data-transformation Lambda.</summary>
public sealed class FirehoseTransformationEvent
{
    /// <summary>Identifies this invocation.</summary>
    [JsonPropertyName("invocationId")]
    public string InvocationId { get; set; } = "";

    /// <summary>The delivery stream's ARN.</summary>
    [JsonPropertyName("deliveryStreamArn")]
    public string DeliveryStreamArn { get; set; } = "";

    /// <summary>The source Kinesis stream's ARN; present only when the source is a Kinesis Data Stream.</summary>
    [JsonPropertyName("sourceKinesisStreamArn")]
    public string? SourceKinesisStreamArn { get; set; }

    /// <summary>The delivery stream's region.</summary>
    [JsonPropertyName("region")]
    public string Region { get; set; } = "";

    /// <summary>The records to transform; each needs exactly one result with the same record id.</summary>
    [JsonPropertyName("records")]
    public IReadOnlyList<FirehoseTransformationRecord> Records { get; set; } = [];
}

/// <summary>One record of a <see cref="FirehoseTransformationEvent"/>.</summary>
public sealed class FirehoseTransformationRecord
{
    /// <summary>Opaque id; echo it back exactly.</summary>
    [JsonPropertyName("recordId")]
    public string RecordId { get; set; } = "";

    /// <summary>When Firehose received the record; epoch milliseconds on the wire (Kinesis events use seconds).</summary>
    [JsonPropertyName("approximateArrivalTimestamp")]
    [JsonConverter(typeof(EpochMillisecondsConverter))]
    public DateTimeOffset ApproximateArrivalTimestamp { get; set; }

    /// <summary>The record bytes (base64 on the wire); KPL records from a Kinesis source are already de-aggregated.</summary>
    [JsonPropertyName("data")]
    public ReadOnlyMemory<byte> Data { get; set; }

    /// <summary>Where the record came from when the source is a Kinesis Data Stream; otherwise null.</summary>
    [JsonPropertyName("kinesisRecordMetadata")]
    public FirehoseKinesisRecordMetadata? KinesisRecordMetadata { get; set; }
}

/// <summary>The Kinesis origin of a <see cref="FirehoseTransformationRecord"/>.</summary>
public sealed class FirehoseKinesisRecordMetadata
{
    /// <summary>The source shard.</summary>
    [JsonPropertyName("shardId")]
    public string ShardId { get; set; } = "";

    /// <summary>The producer's partition key.</summary>
    [JsonPropertyName("partitionKey")]
    public string PartitionKey { get; set; } = "";

    /// <summary>When Kinesis accepted the record; epoch milliseconds on the wire.</summary>
    [JsonPropertyName("approximateArrivalTimestamp")]
    [JsonConverter(typeof(EpochMillisecondsConverter))]
    public DateTimeOffset ApproximateArrivalTimestamp { get; set; }

    /// <summary>The source record's sequence number (decimal string).</summary>
    [JsonPropertyName("sequenceNumber")]
    public string SequenceNumber { get; set; } = "";

    /// <summary>Position inside a KPL-aggregated record; a number, though old typings say string, so both are read.</summary>
    [JsonPropertyName("subsequenceNumber")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? SubsequenceNumber { get; set; }
}
