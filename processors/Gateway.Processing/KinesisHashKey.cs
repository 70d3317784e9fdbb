using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Processing;

/// <summary>The 128-bit hash key Kinesis routes a partition key by (the KCL computes the same to match sub-records to shards).</summary>
public static class KinesisHashKey
{
    // Partition keys are at most 256 UTF-16 units (≤ 768 UTF-8 bytes); longer inputs fall back to a pooled buffer.
    private const int StackLimit = 1024;

    /// <summary>MD5 of the UTF-8 partition key read as a big-endian unsigned integer.</summary>
    public static UInt128 Of(string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        var byteCount = Encoding.UTF8.GetByteCount(partitionKey);
        byte[]? rented = null;
        var utf8 = byteCount <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        try
        {
            var written = Encoding.UTF8.GetBytes(partitionKey, utf8);
            return Of(utf8[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>MD5 of already UTF-8 encoded partition-key bytes, read as a big-endian unsigned integer.</summary>
    public static UInt128 Of(ReadOnlySpan<byte> utf8PartitionKey)
    {
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(utf8PartitionKey, digest);
        return BinaryPrimitives.ReadUInt128BigEndian(digest);
    }
}
