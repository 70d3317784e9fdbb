using System.Buffers;
using System.Globalization;
using System.Text.Unicode;

namespace Gateway.Processing.Internal;

/// <summary>Kinesis key rules: partition-key limits and explicit-hash-key syntax (the hash itself is <see cref="KinesisHashKey"/>).</summary>
internal static class HashKeys
{
    /// <summary>Kinesis limit on a partition key, in UTF-16 characters.</summary>
    public const int MaxPartitionKeyLength = 256;

    /// <summary>Worst-case UTF-8 size of a valid partition key: three bytes per UTF-16 unit (a surrogate pair is four bytes for two units).</summary>
    public const int MaxPartitionKeyUtf8Length = MaxPartitionKeyLength * 3;

    /// <summary>Digits in 2^128-1, the largest explicit hash key.</summary>
    public const int MaxExplicitHashKeyLength = 39;

    /// <summary>Validates a partition key and writes its UTF-8 bytes to <paramref name="utf8"/> (at least <see cref="MaxPartitionKeyUtf8Length"/> bytes).</summary>
    public static UserRecordError TryEncodePartitionKey(string? partitionKey, Span<byte> utf8, out int utf8Length)
    {
        utf8Length = 0;
        if (string.IsNullOrEmpty(partitionKey))
        {
            return UserRecordError.PartitionKeyMissing;
        }

        if (partitionKey.Length > MaxPartitionKeyLength)
        {
            return UserRecordError.PartitionKeyTooLong;
        }

        // A lone surrogate would be replaced by U+FFFD on the wire, so the consumer would see a different key.
        var status = Utf8.FromUtf16(partitionKey, utf8, out _, out utf8Length, replaceInvalidSequences: false);
        return status == OperationStatus.Done ? UserRecordError.None : UserRecordError.PartitionKeyInvalidUnicode;
    }

    /// <summary>Parses a Kinesis explicit hash key: <c>0|([1-9]\d{0,38})</c> and at most 2^128-1.</summary>
    public static UserRecordError TryParseExplicitHashKey(ReadOnlySpan<char> text, out UInt128 value)
    {
        value = UInt128.Zero;
        if (text.IsEmpty || text.Length > MaxExplicitHashKeyLength || (text[0] == '0' && text.Length > 1))
        {
            return UserRecordError.ExplicitHashKeyMalformed;
        }

        // Checked by hand instead of UInt128.TryParse, which also accepts signs, whitespace and leading zeros.
        var limit = UInt128.MaxValue / 10;
        foreach (var c in text)
        {
            var digit = (uint)(c - '0');
            if (digit > 9)
            {
                return UserRecordError.ExplicitHashKeyMalformed;
            }

            if (value > limit || (value == limit && digit > (uint)(UInt128.MaxValue % 10)))
            {
                return UserRecordError.ExplicitHashKeyOutOfRange;
            }

            value = (value * 10) + digit;
        }

        return UserRecordError.None;
    }

    /// <summary>Writes the decimal form Kinesis expects for an explicit hash key; <paramref name="destination"/> holds at least 39 chars.</summary>
    public static int Format(UInt128 hashKey, Span<char> destination)
    {
        hashKey.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        return written;
    }
}
