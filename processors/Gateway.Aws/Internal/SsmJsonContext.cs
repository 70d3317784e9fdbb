using System.Text.Json.Serialization;

namespace Gateway.Aws.Internal;

// The SSM GetParameter bodies (botocore ssm/2014-11-06). Member names are the API's own. Source-generated so the
// client stays trimming/AOT safe; members this client does not return (DataType, Selector, SourceResult) are ignored.
[JsonSerializable(typeof(SsmGetParameterRequest))]
[JsonSerializable(typeof(SsmGetParameterResponse))]
internal sealed partial class SsmJsonContext : JsonSerializerContext;

/// <summary>GetParameter input. WithDecryption is always sent so the wire says which value was asked for.</summary>
internal sealed record SsmGetParameterRequest(string Name, bool WithDecryption);

/// <summary>GetParameter output.</summary>
internal sealed class SsmGetParameterResponse
{
    public SsmParameterWire? Parameter { get; init; }
}

/// <summary>A <c>Parameter</c> as the service sends it, every member optional until the client checks it.</summary>
/// <remarks>A class, not a record: a record's generated ToString would print Value.</remarks>
internal sealed class SsmParameterWire
{
    public string? Name { get; init; }

    public string? Type { get; init; }

    public string? Value { get; init; }

    public long? Version { get; init; }

    /// <summary>Epoch seconds with a fraction, e.g. 1535362148.994.</summary>
    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTimeOffset? LastModifiedDate { get; init; }

    [JsonPropertyName("ARN")]
    public string? Arn { get; init; }
}
