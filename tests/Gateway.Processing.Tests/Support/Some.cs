using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Gateway.Processing.Tests.Support;

/// <summary>A user record described by its parts; the data is derived from a seed so failures print small.</summary>
internal sealed record RecordSpec(string PartitionKey, string? ExplicitHashKey, int DataLength, int Seed)
{
    public byte[] Data => Some.Bytes(DataLength, Seed);

    public UserRecord ToUserRecord() => new(PartitionKey, Data, ExplicitHashKey);

    /// <summary>The hash key Kinesis routes the record by: its explicit hash key, else MD5 of the partition key.</summary>
    public UInt128 EffectiveHashKey => Some.EffectiveHashKey(PartitionKey, ExplicitHashKey);

    public override string ToString() => $"(pk \"{Escape(PartitionKey)}\", ehk {ExplicitHashKey ?? "none"}, {DataLength} bytes)";

    private static string Escape(string s) => s.Length > 40 ? $"{s[..40]}…[{s.Length}]" : s;
}

/// <summary>Records fed to one aggregator with the given target size and number of shards.</summary>
internal sealed record AggregationCase(int TargetSize, int ShardCount, RecordSpec[] Records)
{
    public KplAggregatorOptions Options => new() { TargetSize = TargetSize, ShardHashKeyRanges = HashKeyRange.SplitEvenly(ShardCount) };

    public override string ToString() => $"target {TargetSize}, {ShardCount} shard(s), records [{string.Join(", ", Records.Select(r => r.ToString()))}]";
}

/// <summary>Test data: fixed examples and FsCheck generators.</summary>
internal static class Some
{
    // Leaves room for the largest partition key (768 UTF-8 bytes) and the envelope under the 1 MiB limit.
    public const int LargestData = KplAggregatorOptions.DefaultMaxRecordSize - 1024;

    private const string RequestIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static UserRecord Record(string partitionKey = "pk-1", string text = "hello", string? explicitHashKey = null) =>
        new(partitionKey, Encoding.UTF8.GetBytes(text), explicitHashKey);

    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A CloudFront-style request id: 56 characters, base64url alphabet, ending in "==".</summary>
    public static string RequestId(int n)
    {
        var random = new Random(n);
        var chars = new char[56];
        for (var i = 0; i < 54; i++)
        {
            chars[i] = RequestIdAlphabet[random.Next(RequestIdAlphabet.Length)];
        }

        chars[54] = '=';
        chars[55] = '=';
        return new string(chars);
    }

    /// <summary>A real-time log line of about 450 bytes, the payload this pipeline aggregates.</summary>
    public static byte[] RealtimeLogLine(int n) => Encoding.UTF8.GetBytes(string.Join('\t',
        (1_700_000_000 + n).ToString(CultureInfo.InvariantCulture) + ".123", "198.51.100.0", "200", "254", "GET", "https", "px.shop.example",
        "/p.gif", "FRA56-P1", RequestId(n), "0.001", "Mozilla/5.0%20(Macintosh;%20Intel%20Mac%20OS%20X%2010_15_7)%20AppleWebKit/537.36",
        "https://shop.example/product/" + n.ToString(CultureInfo.InvariantCulture),
        "pid=px1&e=pageview&eid=" + n.ToString("x8", CultureInfo.InvariantCulture) + "&url=https%3A%2F%2Fshop.example%2Fproduct%2F42&utm_source=news&utm_medium=email",
        "-", "-", "HTTP/2.0", "IPv4", "-", "-"));

    public static UInt128 EffectiveHashKey(string partitionKey, string? explicitHashKey) => explicitHashKey is not null
        ? UInt128.Parse(explicitHashKey, CultureInfo.InvariantCulture)
        : BinaryPrimitives.ReadUInt128BigEndian(MD5.HashData(Encoding.UTF8.GetBytes(partitionKey)));

    public static int ShardOf(UInt128 hashKey, IReadOnlyList<HashKeyRange> ranges)
    {
        for (var i = 0; i < ranges.Count; i++)
        {
            if (ranges[i].Contains(hashKey))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"no range holds {hashKey}");
    }

    // ---- generators ----

    private static Gen<char> AsciiChar => Gen.Choose(0x20, 0x7E).Select(c => (char)c);

    private static Gen<string> Text(Gen<string> piece, int maxUtf16Length) =>
        Gen.Choose(1, 24).SelectMany(n => Gen.ArrayOf(piece, n)).Select(parts =>
        {
            var s = string.Concat(parts);
            if (s.Length > maxUtf16Length)
            {
                s = s[..maxUtf16Length];
            }

            // Truncation may split a surrogate pair; drop the orphaned high half.
            return char.IsHighSurrogate(s[^1]) ? s[..^1] : s;
        }).Where(s => s.Length > 0);

    /// <summary>Unicode pieces: accented Latin, CJK, emoji (surrogate pairs), controls, and ASCII.</summary>
    private static Gen<string> UnicodePiece => Gen.OneOf(
        Gen.Elements("é", "ß", "Ω", "ж", "ع", "中文", "日本", "🙂", "👍🏽", "𝄞", "\u0000", "\t", "\n", "\"", "\\", "\uFFFD", "\u200B"),
        AsciiChar.Select(c => c.ToString()));

    public static Gen<string> PartitionKey => Gen.Frequency(
        (3, Gen.Choose(1, 256).SelectMany(n => Gen.ArrayOf(AsciiChar, n)).Select(chars => new string(chars))),
        (3, Text(UnicodePiece, 256)),
        (2, Gen.Choose(0, 1_000_000).Select(RequestId)),
        // A small pool, so keys repeat and the tables are deduplicated.
        (3, Gen.Elements("a", "b", "shared", "é", "🙂", "7", "42", new string('k', 256))));

    public static Gen<string?> ExplicitHashKey => Gen.Frequency(
        (6, Gen.Constant<string?>(null)),
        (1, Gen.Elements<string?>("0", "1", "42", UInt128.MaxValue.ToString(CultureInfo.InvariantCulture))),
        (3, Gen.Choose(int.MinValue, int.MaxValue).Two().Select(t =>
            (string?)(((UInt128)(uint)t.Item1 << 96) | ((UInt128)(uint)t.Item2 << 17) | (uint)(t.Item1 ^ t.Item2)).ToString(CultureInfo.InvariantCulture))));

    /// <summary>Data sizes: empty, small, RT-log sized, and near the target (around the aggregate boundary).</summary>
    public static Gen<int> DataLength(int targetSize) => Gen.Frequency(
        (1, Gen.Constant(0)),
        (4, Gen.Choose(1, 64)),
        (4, Gen.Choose(300, 600)),
        (1, Gen.Choose(Math.Max(0, targetSize - 1200), Math.Min(LargestData, targetSize + 64))));

    public static Gen<RecordSpec> RecordFor(int targetSize) =>
        from pk in PartitionKey
        from ehk in ExplicitHashKey
        from length in DataLength(targetSize)
        from seed in Gen.Choose(0, int.MaxValue)
        select new RecordSpec(pk, ehk, length, seed);

    public static Gen<AggregationCase> AggregationCase(int maxRecords = 30) =>
        from target in Gen.Frequency(
            (1, Gen.Elements(64, 200, 1000)),
            (4, Gen.Constant(KplAggregatorOptions.DefaultTargetSize)),
            (1, Gen.Elements(65_536, KplAggregatorOptions.DefaultMaxRecordSize)))
        from shards in Gen.Elements(1, 1, 2, 3, 7)
        from count in Gen.Choose(1, maxRecords)
        from records in Gen.ArrayOf(RecordFor(target), count)
        select new AggregationCase(target, shards, records);

    /// <summary>Samples <paramref name="count"/> values from a seed, so a failing batch can be replayed.</summary>
    public static T[] Sample<T>(Gen<T> gen, int count, ulong seed) => Gen.Sample(gen, 50, new Rnd(seed), count);

    /// <summary>A fresh seed per run unless KPL_TEST_SEED pins one.</summary>
    public static ulong Seed() => ulong.TryParse(Environment.GetEnvironmentVariable("KPL_TEST_SEED"), CultureInfo.InvariantCulture, out var pinned)
        ? pinned
        : (ulong)System.Random.Shared.NextInt64();
}
