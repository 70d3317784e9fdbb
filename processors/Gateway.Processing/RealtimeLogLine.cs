using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using Gateway.Processing.Internal;

namespace Gateway.Processing;

/// <summary>
/// One parsed real-time log line: byte ranges into the line for every configured field and the numeric fields
/// already converted. Nothing is decoded or allocated until a caller asks for a value; everything was validated
/// by <see cref="RealtimeLogParser.TryParse"/>, so the accessors cannot fail.
/// </summary>
public ref struct RealtimeLogLine
{
    // 424 bytes, cleared on every parse (and a consumer may copy it), so ranges and numbers are stored densely:
    // field ends in configured order, numbers in field order, both found by counting the bits before a field's own.
    private FieldEndSlots _ends;
    private NumberSlots _numbers;
    private ReadOnlySpan<byte> _line;
    private ulong _configured;
    private ulong _empty;
    private ulong _hasNumber;

    /// <summary>The whole line, as given to the parser.</summary>
    public readonly ReadOnlySpan<byte> Line => _line;

    /// <summary><c>timestamp</c> as Unix epoch milliseconds; null when not configured or <c>-</c>.</summary>
    public readonly long? TimestampUnixMs => Number(RealtimeLogField.Timestamp);

    /// <summary><c>sc-status</c>; 0 when CloudFront logged <c>000</c> (the viewer hung up).</summary>
    public readonly int? Status => (int?)Number(RealtimeLogField.Status);

    /// <summary><c>sc-bytes</c>.</summary>
    public readonly long? BytesSent => Number(RealtimeLogField.BytesSent);

    /// <summary><c>cs-bytes</c>.</summary>
    public readonly long? BytesReceived => Number(RealtimeLogField.BytesReceived);

    /// <summary><c>time-taken</c> in seconds.</summary>
    public readonly double? TimeTakenSeconds => Seconds(RealtimeLogField.TimeTaken);

    /// <summary><c>time-to-first-byte</c> in seconds.</summary>
    public readonly double? TimeToFirstByteSeconds => Seconds(RealtimeLogField.TimeToFirstByte);

    /// <summary><c>origin-fbl</c> in seconds.</summary>
    public readonly double? OriginFirstByteLatencySeconds => Seconds(RealtimeLogField.OriginFirstByteLatency);

    /// <summary><c>origin-lbl</c> in seconds.</summary>
    public readonly double? OriginLastByteLatencySeconds => Seconds(RealtimeLogField.OriginLastByteLatency);

    /// <summary><c>c-ip-version</c> as 4 or 6.</summary>
    public readonly int? ClientIpVersion => (int?)Number(RealtimeLogField.ClientIpVersion);

    /// <summary><c>c-port</c>.</summary>
    public readonly int? ClientPort => (int?)Number(RealtimeLogField.ClientPort);

    /// <summary><c>sc-content-len</c>.</summary>
    public readonly long? ContentLength => Number(RealtimeLogField.ContentLength);

    /// <summary><c>sc-range-start</c>.</summary>
    public readonly long? RangeStart => Number(RealtimeLogField.RangeStart);

    /// <summary><c>sc-range-end</c>.</summary>
    public readonly long? RangeEnd => Number(RealtimeLogField.RangeEnd);

    /// <summary><c>cs-headers-count</c>.</summary>
    public readonly int? HeadersCount => (int?)Number(RealtimeLogField.HeadersCount);

    /// <summary><c>asn</c>.</summary>
    public readonly long? Asn => Number(RealtimeLogField.Asn);

    /// <summary>Whether <paramref name="field"/> is in the parser's field list.</summary>
    public readonly bool Has(RealtimeLogField field) => (_configured & Bit(field)) != 0;

    /// <summary>Where <paramref name="field"/> sits in <see cref="Line"/>; empty when it was <c>-</c> or is not configured.</summary>
    public readonly FieldRange RangeOf(RealtimeLogField field)
    {
        var bit = Bit(field);
        if ((_configured & bit) == 0)
        {
            return default;
        }

        var index = BitOperations.PopCount(_configured & (bit - 1));
        var start = index == 0 ? 0 : _ends[index - 1] + 1;
        return new FieldRange(start, (_empty & bit) != 0 ? 0 : _ends[index] - start);
    }

    /// <summary>The field's bytes as logged (still percent-encoded); empty for <c>-</c>.</summary>
    public readonly ReadOnlySpan<byte> RawValue(RealtimeLogField field) => RangeOf(field).Slice(Line);

    /// <summary>Whether the field is missing from the list or was logged as <c>-</c>.</summary>
    public readonly bool IsEmpty(RealtimeLogField field) => RangeOf(field).IsEmpty;

    /// <summary>The field decoded once (CloudFront's log encoding undone), or null when empty.</summary>
    public readonly string? GetString(RealtimeLogField field)
    {
        var raw = RawValue(field);
        return raw.IsEmpty ? null : PercentCoding.DecodeToString(raw, plusIsSpace: false);
    }

    /// <summary>Decodes the field once into <paramref name="destination"/>; false when it does not fit (the raw length always does).</summary>
    public readonly bool TryDecode(RealtimeLogField field, Span<byte> destination, out int bytesWritten)
    {
        var raw = RawValue(field);
        if (!PercentCoding.NeedsDecoding(raw, plusIsSpace: false))
        {
            bytesWritten = raw.TryCopyTo(destination) ? raw.Length : 0;
            return bytesWritten == raw.Length;
        }

        if (destination.Length < raw.Length)
        {
            // Decoding only shrinks, but the decoded length is unknown without decoding; ask for the bound.
            bytesWritten = 0;
            return false;
        }

        bytesWritten = PercentCoding.Decode(raw, destination, plusIsSpace: false);
        return true;
    }

    /// <summary>
    /// The query parameters, decoded twice: from <c>cs-uri-query</c> when configured (it carries merged
    /// <c>POST /e</c> fields), else from the query part of <c>cs-uri-stem</c>. Dispose it to return its buffer.
    /// </summary>
    public readonly RealtimeLogQuery Query() =>
        Has(RealtimeLogField.UriQuery) ? QueryFrom(RealtimeLogField.UriQuery) : QueryFrom(RealtimeLogField.UriStem);

    /// <summary>The query parameters of <c>cs-uri-query</c> or of the query part of <c>cs-uri-stem</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="field"/> is another field.</exception>
    public readonly RealtimeLogQuery QueryFrom(RealtimeLogField field)
    {
        var raw = RawValue(field);
        return field switch
        {
            RealtimeLogField.UriQuery => new RealtimeLogQuery(raw, isStem: false),
            RealtimeLogField.UriStem => new RealtimeLogQuery(raw, isStem: true),
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, "only cs-uri-query and cs-uri-stem carry a query string"),
        };
    }

    /// <summary>Where each configured field ends (its tab, or the end of the line), written by the parser.</summary>
    [UnscopedRef]
    internal Span<int> Ends => _ends;

    /// <summary>
    /// Starts <paramref name="result"/> for a new line, in place: a constructor would build it in a temporary and copy
    /// it over. Part by part, so the slots, which hold no reference, are cleared with vector stores rather than one
    /// pointer-sized store at a time.
    /// </summary>
    internal static void Start(out RealtimeLogLine result, ReadOnlySpan<byte> line, ulong configured)
    {
        result._ends = default;
        result._numbers = default;
        result._line = line;
        result._configured = configured;
        result._empty = 0;
        result._hasNumber = 0;
    }

    /// <summary>Marks a configured field as logged <c>-</c> or blank.</summary>
    internal void SetEmpty(RealtimeLogField field) => _empty |= Bit(field);

    /// <summary>Stores the number of <paramref name="field"/>; called in field order, at most once per field.</summary>
    internal void SetNumber(RealtimeLogField field, long value)
    {
        _numbers[BitOperations.PopCount(_hasNumber)] = value;
        _hasNumber |= Bit(field);
    }

    private static ulong Bit(RealtimeLogField field) => (uint)field < FieldSlots.Capacity ? 1UL << (int)field : 0;

    private readonly long? Number(RealtimeLogField field)
    {
        var bit = Bit(field);
        return (_hasNumber & bit) != 0 ? _numbers[BitOperations.PopCount(_hasNumber & (bit - 1))] : null;
    }

    private readonly double? Seconds(RealtimeLogField field) => Number(field) is { } ms ? ms / 1000.0 : null;
}
