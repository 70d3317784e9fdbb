using System.Text.Json.Serialization;

namespace Gateway.Lambda;

/// <summary>The response of a Firehose data-transformation Lambda: one result per input record.</summary>
public sealed class FirehoseTransformationResponse
{
    /// <summary>One entry per input record, matched by record id.</summary>
    [JsonPropertyName("records")]
    public IReadOnlyList<FirehoseTransformedRecord> Records { get; set; } = [];
}

/// <summary>The outcome for one input record.</summary>
public sealed class FirehoseTransformedRecord
{
    /// <summary>The input record's id, exactly; a mismatch counts as a transformation failure.</summary>
    [JsonPropertyName("recordId")]
    public string RecordId { get; set; } = "";

    /// <summary>What happened to the record.</summary>
    [JsonPropertyName("result")]
    public FirehoseRecordResult Result { get; set; }

    /// <summary>The transformed payload (base64 on the wire); Firehose requires the field even for dropped records.</summary>
    [JsonPropertyName("data")]
    public ReadOnlyMemory<byte> Data { get; set; }

    /// <summary>Dynamic-partitioning keys; omitted when null.</summary>
    [JsonPropertyName("metadata")]
    public FirehoseRecordMetadata? Metadata { get; set; }
}

/// <summary>Per-record metadata returned to Firehose.</summary>
public sealed class FirehoseRecordMetadata
{
    /// <summary>Referenced in the S3 prefix as <c>!{partitionKeyFromLambda:&lt;key&gt;}</c>.</summary>
    [JsonPropertyName("partitionKeys")]
    public IReadOnlyDictionary<string, string> PartitionKeys { get; set; } = new Dictionary<string, string>();
}

/// <summary>The result values Firehose accepts (case-sensitive on the wire).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FirehoseRecordResult>))]
public enum FirehoseRecordResult
{
    /// <summary>Transformed; counts as success.</summary>
    Ok,

    /// <summary>Intentionally discarded; counts as success.</summary>
    Dropped,

    /// <summary>Failed; Firehose writes the record under the error prefix (<c>processing-failed</c>).</summary>
    ProcessingFailed,
}
