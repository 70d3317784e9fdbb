using System.Buffers;
using Gateway.Processing.Internal;

namespace Gateway.Processing;

/// <summary>
/// Parses CloudFront real-time log lines (UTF-8, one record, no trailing newline) for a configured field list.
/// Never throws on input: a line either parses or comes back as a <see cref="RealtimeLogBadRow"/>. Thread-safe.
/// </summary>
public sealed partial class RealtimeLogParser
{
    /// <summary>Default line limit: CloudFront lines are about 0.5–1 KB, so 64 KiB only stops garbage.</summary>
    public const int DefaultMaxLineBytes = 64 * 1024;

    private readonly RealtimeLogField[] _fields;
    private readonly FieldKind[] _kinds;
    private readonly ulong _configured;

    /// <summary>Creates a parser for <paramref name="fields"/>, unique and in canonical order (see <see cref="RealtimeLogFields.ParseList"/>).</summary>
    public RealtimeLogParser(IReadOnlyList<RealtimeLogField> fields, int maxLineBytes = DefaultMaxLineBytes)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineBytes);
        if (fields.Count == 0)
        {
            throw new ArgumentException("the real-time log field list is empty", nameof(fields));
        }

        for (var i = 0; i < fields.Count; i++)
        {
            if ((uint)fields[i] >= FieldSlots.Capacity || !Enum.IsDefined(fields[i]))
            {
                throw new ArgumentException($"unknown real-time log field {(int)fields[i]}", nameof(fields));
            }

            if (i > 0 && fields[i] <= fields[i - 1])
            {
                throw new ArgumentException($"real-time log fields must be unique and in canonical order; '{RealtimeLogFields.NameOf(fields[i])}' follows '{RealtimeLogFields.NameOf(fields[i - 1])}'", nameof(fields));
            }

            _configured |= 1UL << (int)fields[i];
        }

        _fields = [.. fields];
        _kinds = Array.ConvertAll(_fields, KindOf);
        if (_kinds.Count(kind => kind >= FieldKind.Timestamp) > FieldSlots.NumberCapacity)
        {
            // Only a new numeric field in RealtimeLogField can get here: the line keeps numbers in a fixed-size slot list.
            throw new InvalidOperationException($"more than {FieldSlots.NumberCapacity} numeric fields; raise FieldSlots.NumberCapacity");
        }

        MaxLineBytes = maxLineBytes;
    }

    /// <summary>The configured fields, in canonical order.</summary>
    public IReadOnlyList<RealtimeLogField> Fields => _fields;

    /// <summary>Lines longer than this many bytes are bad rows.</summary>
    public int MaxLineBytes { get; }

    /// <summary>Splits and validates <paramref name="line"/>; on failure <paramref name="badRow"/> says which field and byte.</summary>
    public bool TryParse(ReadOnlySpan<byte> line, out RealtimeLogLine result, out RealtimeLogBadRow badRow)
    {
        RealtimeLogLine.Start(out result, line, _configured);
        badRow = default;
        if (line.Length > MaxLineBytes)
        {
            badRow = new(BadRowReason.LineTooLong, null, -1, $"line is {line.Length} bytes, over the {MaxLineBytes}-byte limit");
            return false;
        }

        // One pass finds the tabs, written straight to the line's field ends, and the text fields that need checking
        // one by one (see RealtimeLogScan); the others cannot fail.
        var ends = result.Ends;
        var tabCount = RealtimeLogScan.Run(line, ends, out var textChecks, out var queryChecks);
        if (tabCount + 1 != _fields.Length)
        {
            RealtimeLogLine.Start(out result, line, _configured);
            badRow = new(BadRowReason.FieldCount, null, -1, $"expected {_fields.Length} tab-separated fields, got {tabCount + 1}");
            return false;
        }

        ends[tabCount] = line.Length;

        // Decoding needs scratch only for fields with escapes or non-ASCII bytes; rented lazily, returned at the end.
        byte[]? scratch = null;
        try
        {
            var position = 0;
            for (var i = 0; i < _fields.Length; i++)
            {
                var end = ends[i];
                var value = line[position..end];
                var field = _fields[i];
                var kind = _kinds[i];
                if (value.IsEmpty || (value.Length == 1 && value[0] == (byte)'-'))
                {
                    result.SetEmpty(field);
                }
                else if (NeedsCheck(kind, i, textChecks, queryChecks) && !TryField(ref result, field, kind, i, value, position, ref scratch, out badRow))
                {
                    return false;
                }

                position = end + 1;
            }

            return true;
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    // Numbers are always parsed; text the scan cleared cannot fail, nor can a query it cleared on both counts.
    private static bool NeedsCheck(FieldKind kind, int index, ulong textChecks, ulong queryChecks) => kind switch
    {
        FieldKind.Text => (textChecks & (1UL << index)) != 0,
        FieldKind.Query or FieldKind.Stem => ((textChecks | queryChecks) & (1UL << index)) != 0,
        _ => true,
    };

    private static bool TryField(ref RealtimeLogLine result, RealtimeLogField field, FieldKind kind, int index, ReadOnlySpan<byte> value, int position, ref byte[]? scratch, out RealtimeLogBadRow badRow)
    {
        badRow = default;
        long number;
        switch (kind)
        {
            case FieldKind.Timestamp:
                if (!RealtimeLogNumbers.TryParseMilliseconds(value, out number))
                {
                    badRow = Fail(BadRowReason.Timestamp, field, index, position, $"is '{Preview(value)}', not epoch seconds with at most 3 decimals");
                    return false;
                }

                break;
            case FieldKind.Seconds:
                if (!RealtimeLogNumbers.TryParseMilliseconds(value, out number))
                {
                    badRow = Fail(BadRowReason.Number, field, index, position, $"is '{Preview(value)}', not seconds with at most 3 decimals");
                    return false;
                }

                break;
            case FieldKind.Status:
                // Always three digits; 000 means the viewer closed the connection before a response.
                if (value.Length != 3 || !RealtimeLogNumbers.TryParseInteger(value, out number))
                {
                    badRow = Fail(BadRowReason.Number, field, index, position, $"is '{Preview(value)}', not a 3-digit status");
                    return false;
                }

                break;
            case FieldKind.Int32:
                if (!RealtimeLogNumbers.TryParseInteger(value, out number) || number > int.MaxValue)
                {
                    badRow = Fail(BadRowReason.Number, field, index, position, $"is '{Preview(value)}', not a non-negative 32-bit integer");
                    return false;
                }

                break;
            case FieldKind.Int64:
                if (!RealtimeLogNumbers.TryParseInteger(value, out number))
                {
                    badRow = Fail(BadRowReason.Number, field, index, position, $"is '{Preview(value)}', not a non-negative integer");
                    return false;
                }

                break;
            case FieldKind.IpVersion:
                number = value.SequenceEqual("IPv4"u8) ? 4 : value.SequenceEqual("IPv6"u8) ? 6 : 0;
                if (number == 0)
                {
                    badRow = Fail(BadRowReason.UnknownValue, field, index, position, $"is '{Preview(value)}', not IPv4 or IPv6");
                    return false;
                }

                break;
            default:
                return TryText(field, kind, index, value, position, ref scratch, out badRow);
        }

        result.SetNumber(field, number);
        return true;
    }

    private static FieldKind KindOf(RealtimeLogField field) => field switch
    {
        RealtimeLogField.Timestamp => FieldKind.Timestamp,
        RealtimeLogField.TimeTaken or RealtimeLogField.TimeToFirstByte
            or RealtimeLogField.OriginFirstByteLatency or RealtimeLogField.OriginLastByteLatency => FieldKind.Seconds,
        RealtimeLogField.Status => FieldKind.Status,
        RealtimeLogField.ClientPort or RealtimeLogField.HeadersCount => FieldKind.Int32,
        RealtimeLogField.BytesSent or RealtimeLogField.BytesReceived or RealtimeLogField.ContentLength
            or RealtimeLogField.RangeStart or RealtimeLogField.RangeEnd or RealtimeLogField.Asn => FieldKind.Int64,
        RealtimeLogField.ClientIpVersion => FieldKind.IpVersion,
        RealtimeLogField.UriQuery => FieldKind.Query,
        RealtimeLogField.UriStem => FieldKind.Stem,
        _ => FieldKind.Text,
    };

    /// <summary>How a field is read, looked up once per configured field instead of once per line; numbers last.</summary>
    private enum FieldKind : byte
    {
        Text,
        Query,
        Stem,
        Timestamp,
        Seconds,
        Status,
        Int32,
        Int64,
        IpVersion,
    }
}
