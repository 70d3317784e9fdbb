using System.Text.Json.Serialization;

namespace Gateway.Lambda;

/// <summary>Source-generated (trimming- and AOT-safe) JSON metadata for the AWS event and response shapes.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KinesisEvent))]
[JsonSerializable(typeof(StreamsEventResponse))]
[JsonSerializable(typeof(FirehoseTransformationEvent))]
[JsonSerializable(typeof(FirehoseTransformationResponse))]
public sealed partial class LambdaJsonContext : JsonSerializerContext;
