using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Gateway.Aws.Internal;

/// <summary>Kinesis record limits, checked before sending so one bad entry cannot fail a whole PutRecords call.</summary>
internal static class KinesisLimits
{
    public const int MaxPartitionKeyLength = 256;

    // Kinesis counts the partition key toward the 1 MiB record limit.
    public const int MaxRecordBytes = 1024 * 1024;

    /// <summary>Data plus UTF-8 partition-key bytes: what Kinesis counts against the record and request limits.</summary>
    public static int Size(PutRecordsRequestEntry entry) => entry.Data.Length + Encoding.UTF8.GetByteCount(entry.PartitionKey);

    /// <summary>Returns the entry's size, or throws naming the entry and the limit it breaks.</summary>
    public static int Validate(PutRecordsRequestEntry? entry, int index)
    {
        if (entry is null)
        {
            ThrowInvalid(index, "is null");
        }

        if (entry.PartitionKey is null || entry.PartitionKey.Length is < 1 or > MaxPartitionKeyLength)
        {
            ThrowInvalid(index, $"has a partition key of {entry.PartitionKey?.Length ?? 0} characters; Kinesis accepts 1 to {MaxPartitionKeyLength}");
        }

        var size = Size(entry);
        if (size > MaxRecordBytes)
        {
            ThrowInvalid(index, $"is {size:N0} bytes (data plus UTF-8 partition key); Kinesis accepts at most {MaxRecordBytes:N0} (1 MiB). Split the payload");
        }

        return size;
    }

    [DoesNotReturn]
    private static void ThrowInvalid(int index, string problem) =>
        throw new ArgumentException($"Record {index.ToString(CultureInfo.InvariantCulture)} {problem}.", "records");
}
