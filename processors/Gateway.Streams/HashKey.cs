using System.Globalization;
using Gateway.Processing;

namespace Gateway.Streams;

/// <summary>Kinesis shard routing: a partition key's 128-bit hash key and the shard whose range holds it.</summary>
public static class HashKey
{
    /// <summary>MD5 of the UTF-8 partition key read as a big-endian unsigned integer, exactly as Kinesis maps keys to shards.</summary>
    public static UInt128 Of(string partitionKey) => KinesisHashKey.Of(partitionKey);

    /// <summary>MD5 of already UTF-8 encoded partition-key bytes, read as a big-endian unsigned integer.</summary>
    public static UInt128 Of(ReadOnlySpan<byte> utf8PartitionKey) => KinesisHashKey.Of(utf8PartitionKey);

    /// <summary>Kinesis shard id for a shard index: <c>shardId-000000000000</c>, <c>shardId-000000000001</c>, ….</summary>
    public static string ShardId(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return "shardId-" + index.ToString("D12", CultureInfo.InvariantCulture);
    }

    /// <summary>Splits the hash-key space into <paramref name="shardCount"/> equal ranges the way Kinesis CreateStream does; the last shard ends at 2^128-1.</summary>
    public static IReadOnlyList<ShardDescription> SplitEvenly(int shardCount) =>
        [.. HashKeyRange.SplitEvenly(shardCount).Select((range, i) => new ShardDescription(ShardId(i), range.Start, range.End))];

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
