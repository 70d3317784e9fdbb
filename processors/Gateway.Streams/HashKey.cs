using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Streams;

/// <summary>Kinesis shard routing: a partition key's 128-bit hash key and the shard whose range holds it.</summary>
public static class HashKey
{
    // Partition keys are at most 256 UTF-16 units (≤ 768 UTF-8 bytes); longer inputs fall back to a pooled buffer.
    private const int StackLimit = 1024;

    /// <summary>MD5 of the UTF-8 partition key read as a big-endian unsigned integer, exactly as Kinesis maps keys to shards.</summary>
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

    /// <summary>Kinesis shard id for a shard index: <c>shardId-000000000000</c>, <c>shardId-000000000001</c>, ….</summary>
    public static string ShardId(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return "shardId-" + index.ToString("D12", CultureInfo.InvariantCulture);
    }

    /// <summary>Splits the hash-key space into <paramref name="shardCount"/> equal ranges the way Kinesis CreateStream does; the last shard ends at 2^128-1.</summary>
    public static IReadOnlyList<ShardDescription> SplitEvenly(int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        var shards = new ShardDescription[shardCount];
        if (shardCount == 1)
        {
            shards[0] = new ShardDescription(ShardId(0), UInt128.Zero, UInt128.MaxValue);
            return shards;
        }

        // floor(2^128 / n) without overflowing: 2^128 = MaxValue + 1.
        var count = (UInt128)(uint)shardCount;
        var step = (UInt128.MaxValue / count) + (UInt128.MaxValue % count == count - 1 ? UInt128.One : UInt128.Zero);
        for (var i = 0; i < shardCount; i++)
        {
            var start = step * (uint)i;
            var end = i == shardCount - 1 ? UInt128.MaxValue : (step * (uint)(i + 1)) - 1;
            shards[i] = new ShardDescription(ShardId(i), start, end);
        }

        return shards;
    }

    /// <summary>Index of the shard whose inclusive hash-key range contains <paramref name="hashKey"/>.</summary>
    /// <exception cref="ArgumentException">No shard covers the key (the ranges have a gap).</exception>
    public static int ShardIndexFor(UInt128 hashKey, IReadOnlyList<ShardDescription> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var lo = 0;
        var hi = shards.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var shard = shards[mid];
            if (hashKey < shard.StartingHashKey)
            {
                hi = mid - 1;
            }
            else if (hashKey > shard.EndingHashKey)
            {
                lo = mid + 1;
            }
            else
            {
                return mid;
            }
        }

        throw new ArgumentException($"No shard's hash-key range contains {hashKey}; the shard ranges must cover 0..2^128-1 without gaps.", nameof(shards));
    }

    /// <summary>Index of the shard that owns <paramref name="partitionKey"/>.</summary>
    public static int ShardIndexFor(string partitionKey, IReadOnlyList<ShardDescription> shards) => ShardIndexFor(Of(partitionKey), shards);
}
