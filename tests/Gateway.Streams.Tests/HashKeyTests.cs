using System.Globalization;
using System.Numerics;

namespace Gateway.Streams.Tests;

public sealed class HashKeyTests
{
    [Theory]
    // Expected digests from GNU md5sum (printf '%s' KEY | md5sum), an implementation independent of .NET's.
    [InlineData("a", "0cc175b9c0f1b6a831c399e269772661")]
    [InlineData("b", "92eb5ffee6ae2fec3ad71c777531578f")]
    [InlineData("partition-1", "94f940e6c2a31703d6be067b87d67968")]
    [InlineData("user-42", "7631bc07a1cc8fcd56e70fc6b2fb4a43")]
    public void Hash_key_is_the_md5_of_the_utf8_key_read_big_endian(string partitionKey, string md5Hex)
    {
        var expected = UInt128.Parse(md5Hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

        Assert.Equal(expected, HashKey.Of(partitionKey));
    }

    [Fact]
    public void Hash_key_of_a_non_ascii_key_hashes_its_utf8_bytes()
    {
        // md5sum of the UTF-8 bytes of "é" (C3 A9).
        var expected = UInt128.Parse("66ddcd97cfdeabb2f6fb8a999b4bc76f", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

        Assert.Equal(expected, HashKey.Of("é"));
    }

    [Theory]
    // MD5("a") = 0x0cc1…: below 2^126, so shard 0 of 2 and of 4.
    [InlineData("a", 2, 0)]
    [InlineData("a", 4, 0)]
    // MD5("b") = 0x92eb…: upper half (shard 1 of 2), third quarter (shard 2 of 4).
    [InlineData("b", 2, 1)]
    [InlineData("b", 4, 2)]
    // MD5("c") = 0x4a8a…: second quarter.
    [InlineData("c", 4, 1)]
    // MD5("e") = 0xe167…: last quarter.
    [InlineData("e", 4, 3)]
    public void Shard_is_the_one_whose_hash_range_holds_the_key(string partitionKey, int shardCount, int expectedShard)
    {
        var shards = HashKey.SplitEvenly(shardCount);

        Assert.Equal(expectedShard, HashKey.ShardIndexFor(partitionKey, shards));
    }

    [Fact]
    public void Two_shards_split_at_two_to_the_127()
    {
        var shards = HashKey.SplitEvenly(2);

        Assert.Equal(new ShardDescription("shardId-000000000000", UInt128.Zero, (UInt128.One << 127) - 1), shards[0]);
        Assert.Equal(new ShardDescription("shardId-000000000001", UInt128.One << 127, UInt128.MaxValue), shards[1]);
    }

    [Fact]
    public void Three_shards_get_the_ranges_kinesis_create_stream_assigns()
    {
        // The hash-key ranges Kinesis reports (DescribeStream) for a stream created with 3 shards.
        var shards = HashKey.SplitEvenly(3);

        Assert.Equal(
            ["0", "113427455640312821154458202477256070485", "226854911280625642308916404954512140970"],
            shards.Select(s => s.StartingHashKey.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(
            ["113427455640312821154458202477256070484", "226854911280625642308916404954512140969", "340282366920938463463374607431768211455"],
            shards.Select(s => s.EndingHashKey.ToString(CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(64)]
    public void Ranges_cover_the_whole_key_space_without_gaps(int shardCount)
    {
        var shards = HashKey.SplitEvenly(shardCount);

        Assert.Equal(UInt128.Zero, shards[0].StartingHashKey);
        Assert.Equal(UInt128.MaxValue, shards[^1].EndingHashKey);
        for (var i = 1; i < shards.Count; i++)
        {
            Assert.Equal(shards[i - 1].EndingHashKey + 1, shards[i].StartingHashKey);
        }

        // Even split: every range is floor(2^128 / n) wide except the last, which takes the remainder.
        var width = (BigInteger.One << 128) / shardCount;
        Assert.All(shards.SkipLast(1), s => Assert.Equal(width, (BigInteger)s.EndingHashKey - (BigInteger)s.StartingHashKey + 1));
    }

    [Fact]
    public void Shard_ids_look_like_kinesis_shard_ids()
    {
        Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"], HashKey.SplitEvenly(3).Select(s => s.ShardId));
    }
}
