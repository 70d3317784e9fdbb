using System.Security.Cryptography;

namespace Gateway.Processing.Tests.Support;

/// <summary>Hand-built protobuf and KPL blobs, for inputs no correct encoder would produce.</summary>
internal static class KplBytes
{
    public static readonly byte[] Magic = [0xF3, 0x89, 0x9A, 0xC2];

    /// <summary>Magic + body + MD5(body): a blob whose envelope is valid whatever the body holds.</summary>
    public static byte[] Wrap(params byte[][] bodyParts)
    {
        var body = bodyParts.SelectMany(p => p).ToArray();
        return [.. Magic, .. body, .. MD5.HashData(body)];
    }

    public static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }

    public static byte[] Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    public static byte[] LengthDelimited(int field, params byte[][] payloadParts)
    {
        var payload = payloadParts.SelectMany(p => p).ToArray();
        return [.. Tag(field, 2), .. Varint((ulong)payload.Length), .. payload];
    }

    public static byte[] VarintField(int field, ulong value) => [.. Tag(field, 0), .. Varint(value)];

    public static byte[] Text(int field, string text) => LengthDelimited(field, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>A Record message (AggregatedRecord field 3).</summary>
    public static byte[] Record(ulong partitionKeyIndex, ulong? explicitHashKeyIndex, string data)
    {
        var ehk = explicitHashKeyIndex is { } i ? VarintField(2, i) : Array.Empty<byte>();
        return LengthDelimited(3, VarintField(1, partitionKeyIndex), ehk, Text(3, data));
    }
}
