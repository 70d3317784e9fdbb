using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gateway.Processing.Enrichment;

namespace Gateway.Parquet.Lake;

/// <summary>
/// Object keys of the lake, as Firehose names them with dynamic partitioning:
/// <c>events/year=YYYY/month=MM/day=DD/hour=HH/gateway-events-1-YYYY-MM-DD-HH-MM-SS-&lt;uuid&gt;.parquet</c>.
/// </summary>
public static class LakeFileNames
{
    /// <summary>Firehose's file-name version field.</summary>
    public const int Version = 1;

    /// <summary>The extension of committed files (the lake's glob is <c>*.parquet</c>).</summary>
    public const string Extension = ".parquet";

    /// <summary>The delivery-stream part of file names: <c>{prefix}-events</c> or <c>{prefix}-bad-rows</c>.</summary>
    public static string DeliveryStreamName(string prefix, LakeTable table) => table switch
    {
        LakeTable.Events => prefix + "-events",
        LakeTable.BadRows => prefix + "-bad-rows",
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "not a lake table"),
    };

    /// <summary>The partition's folder below the lake's root, with a trailing '/': <c>events/year=2024/month=05/day=01/hour=12/</c>.</summary>
    public static string PartitionPrefix(LakeTable table, PartitionKeys keys) =>
        $"{LakeTables.FolderName(table)}/year={keys.Year}/month={keys.Month}/day={keys.Day}/hour={keys.Hour}/";

    /// <summary>A Firehose-style file name: <c>{deliveryStream}-1-{yyyy-MM-dd-HH-mm-ss}-{uuid}.parquet</c>, the time in UTC.</summary>
    public static string FileName(string deliveryStream, DateTimeOffset time, Guid id) =>
        string.Create(CultureInfo.InvariantCulture, $"{deliveryStream}-{Version}-{time.UtcDateTime:yyyy-MM-dd-HH-mm-ss}-{id:D}{Extension}");

    /// <summary>The start of the partition's hour (UTC), the time in deterministic file names.</summary>
    public static DateTimeOffset HourStart(PartitionKeys keys) => new(
        int.Parse(keys.Year, CultureInfo.InvariantCulture),
        int.Parse(keys.Month, CultureInfo.InvariantCulture),
        int.Parse(keys.Day, CultureInfo.InvariantCulture),
        int.Parse(keys.Hour, CultureInfo.InvariantCulture),
        0,
        0,
        TimeSpan.Zero);

    /// <summary>
    /// A UUID (version 8, RFC 9562's custom layout) from SHA-256 over seed, table, partition and the file's number within
    /// the partition: the same inputs always name the same file, different ones practically never collide.
    /// </summary>
    public static Guid DeterministicId(string seed, LakeTable table, PartitionKeys keys, int sequence)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var text = string.Create(CultureInfo.InvariantCulture, $"{seed}\n{LakeTables.FolderName(table)}\n{keys.Year}-{keys.Month}-{keys.Day}T{keys.Hour}\n{sequence}");
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
