using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Gateway.Streams.Internal;

/// <summary>The Kinesis PutRecord limits, enforced so a later Kinesis-backed stream accepts everything this one did.</summary>
internal static class RecordLimits
{
    public const int MaxPartitionKeyLength = 256;

    // Kinesis counts the partition key toward the 1 MiB record limit.
    public const int MaxRecordBytes = 1024 * 1024;

    // A UTF-16 unit encodes to at most 3 UTF-8 bytes (a surrogate pair: 2 units, 4 bytes).
    public const int MaxPartitionKeyBytes = MaxPartitionKeyLength * 3;

    /// <summary>Returns the partition key's UTF-8 byte count, or throws naming the limit that was exceeded.</summary>
    public static int Validate(string partitionKey, int dataLength)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        if (partitionKey.Length is < 1 or > MaxPartitionKeyLength)
        {
            ThrowPartitionKeyLength(partitionKey.Length);
        }

        var keyBytes = Encoding.UTF8.GetByteCount(partitionKey);
        if ((long)keyBytes + dataLength > MaxRecordBytes)
        {
            ThrowTooLarge(keyBytes, dataLength);
        }

        return keyBytes;
    }

    [DoesNotReturn]
    private static void ThrowPartitionKeyLength(int length) =>
        throw new ArgumentException(
            $"A partition key must be 1 to {MaxPartitionKeyLength} Unicode characters long (the Kinesis limit); got {length.ToString(CultureInfo.InvariantCulture)}.",
            "partitionKey");

    [DoesNotReturn]
    private static void ThrowTooLarge(int keyBytes, int dataLength) =>
        throw new ArgumentException(
            $"A record's data plus its UTF-8 partition key may be at most {MaxRecordBytes:N0} bytes (1 MiB, the Kinesis limit, which counts the partition key); "
            + $"got {dataLength:N0} bytes of data and {keyBytes:N0} bytes of partition key. Split the payload into smaller records.",
            "data");
}
