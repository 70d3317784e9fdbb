using System.Buffers.Binary;
using System.Globalization;

namespace Gateway.Streams.Tests.Support;

/// <summary>Deterministic test data: a payload and partition key per numeric id, so any reader can check what it got.</summary>
internal static class Some
{
    public static string PartitionKey(long id) => "key-" + (id % 1000).ToString(CultureInfo.InvariantCulture);

    /// <summary>8 bytes of id, then 0..199 filler bytes derived from it.</summary>
    public static byte[] Payload(long id)
    {
        var payload = new byte[8 + (int)(id % 200)];
        BinaryPrimitives.WriteInt64LittleEndian(payload, id);
        for (var i = 8; i < payload.Length; i++)
        {
            payload[i] = (byte)(id * 31 + i);
        }

        return payload;
    }

    public static long PayloadId(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload);

    public static EmbeddedStreamOptions Options(string directory, int shards = 1) => new()
    {
        Directory = directory,
        ShardCount = shards,
    };
}
