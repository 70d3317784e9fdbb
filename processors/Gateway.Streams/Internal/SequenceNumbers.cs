using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Gateway.Streams.Internal;

/// <summary>The embedded stream's sequence numbers: a per-shard counter 1, 2, 3, … rendered as a plain decimal string.</summary>
internal static class SequenceNumbers
{
    private const string SegmentExtension = ".seg";

    // 20 digits hold any positive long, so names sort in sequence order.
    private const int SegmentNameDigits = 20;

    public static string Format(long sequenceNumber) => sequenceNumber.ToString(CultureInfo.InvariantCulture);

    /// <summary>The sequence number of the record a position follows; 0 for TRIM_HORIZON.</summary>
    public static long ParseAfter(StreamPosition position, string paramName)
    {
        if (position.SequenceNumber is not { } text)
        {
            return 0;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            ThrowInvalid(text, paramName);
        }

        return value;
    }

    public static string SegmentFileName(long firstSequenceNumber) =>
        firstSequenceNumber.ToString("D20", CultureInfo.InvariantCulture) + SegmentExtension;

    public static string SegmentSearchPattern => "*" + SegmentExtension;

    public static bool TryParseSegmentFileName(string fileName, out long firstSequenceNumber)
    {
        firstSequenceNumber = 0;
        var name = fileName.AsSpan();
        return name.Length == SegmentNameDigits + SegmentExtension.Length
            && name.EndsWith(SegmentExtension, StringComparison.Ordinal)
            && long.TryParse(name[..SegmentNameDigits], NumberStyles.None, CultureInfo.InvariantCulture, out firstSequenceNumber)
            && firstSequenceNumber >= 1;
    }

    [DoesNotReturn]
    private static void ThrowInvalid(string text, string paramName) =>
        throw new ArgumentException(
            $"Sequence number '{text}' is not valid for the embedded stream: it numbers each shard's records 1, 2, 3, … "
            + "so a sequence number must be a positive decimal integer such as \"42\" (use StreamPosition.TrimHorizon to read from the start).",
            paramName);
}
