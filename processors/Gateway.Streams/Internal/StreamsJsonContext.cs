using System.Text.Json.Serialization;

namespace Gateway.Streams.Internal;

/// <summary>stream.json: written once when a stream directory is created, checked on every open.</summary>
internal sealed class StreamManifest
{
    public const int CurrentFormatVersion = 1;

    public string Name { get; set; } = "";

    public int ShardCount { get; set; }

    public int FormatVersion { get; set; } = CurrentFormatVersion;
}

/// <summary>One consumer's checkpoint file: the last processed sequence number per shard.</summary>
internal sealed class CheckpointDocument
{
    public string Consumer { get; set; } = "";

    public Dictionary<string, string> Shards { get; set; } = new(StringComparer.Ordinal);
}

// Source-generated so the stream stays trimming/AOT safe.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(StreamManifest))]
[JsonSerializable(typeof(CheckpointDocument))]
internal sealed partial class StreamsJsonContext : JsonSerializerContext;
