using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Gateway.Processing;

namespace Gateway.Edge;

/// <summary>
/// Writes <see cref="RealtimeLogEntry"/> values as the tab-separated line CloudFront delivers to Kinesis: configured
/// fields in canonical order, <c>-</c> for empty, timestamp as epoch seconds with milliseconds, and CloudFront's
/// log encoding (bytes 0–32 and ≥127 plus <c>&lt; &gt; " # % { } | \ ^ ~ [ ] ` '</c> as <c>%XX</c>). Because the
/// raw query is encoded as received, a client's <c>%3A</c> is logged as <c>%253A</c>, exactly as CloudFront does.
/// </summary>
public sealed class RealtimeLogFormatter
{
    // CloudFront truncates these header dumps to 800 bytes (real-time log field reference).
    private const int HeaderFieldLimit = 800;

    private static ReadOnlySpan<byte> Hex => "0123456789ABCDEF"u8;

    // Printable ASCII minus CloudFront's escaped set; everything else (controls, space, DEL, non-ASCII) is escaped.
    private static readonly SearchValues<char> SafeChars = SearchValues.Create(
        "!$&()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz");

    private readonly RealtimeLogField[] _fields;

    /// <summary>Creates a formatter for <paramref name="fields"/>, which must be in canonical order (see <see cref="RealtimeLogFields.ParseList"/>).</summary>
    public RealtimeLogFormatter(IReadOnlyList<RealtimeLogField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        for (var i = 1; i < fields.Count; i++)
        {
            if (fields[i] <= fields[i - 1])
            {
                throw new ArgumentException($"real-time log fields must be unique and in canonical order; '{RealtimeLogFields.NameOf(fields[i])}' follows '{RealtimeLogFields.NameOf(fields[i - 1])}'", nameof(fields));
            }
        }

        _fields = [.. fields];
    }

    /// <summary>The configured fields, in canonical order.</summary>
    public IReadOnlyList<RealtimeLogField> Fields => _fields;

    /// <summary>Formats <paramref name="entry"/> as a string (tests and tools; the edge uses <see cref="TryFormat"/>).</summary>
    public string Format(in RealtimeLogEntry entry)
    {
        var buffer = new byte[MaxLength(entry)];
        TryFormat(entry, buffer, out var written);
        return Encoding.UTF8.GetString(buffer, 0, written);
    }

    /// <summary>An upper bound of the formatted length of <paramref name="entry"/>, in bytes.</summary>
    public int MaxLength(in RealtimeLogEntry entry)
    {
        // Worst case per char: a UTF-16 unit becomes up to 3 UTF-8 bytes, each escaped to 3 bytes.
        long chars = 0;
        foreach (var field in _fields)
        {
            chars += TextOf(entry, field)?.Length ?? 0;
        }

        return (int)Math.Min(int.MaxValue, (chars * 9) + (_fields.Length * 32));
    }

    /// <summary>Writes the record (no trailing newline) to <paramref name="destination"/>; false when it does not fit.</summary>
    public bool TryFormat(in RealtimeLogEntry entry, Span<byte> destination, out int bytesWritten)
    {
        var writer = new Writer(destination);
        for (var i = 0; i < _fields.Length && !writer.Overflow; i++)
        {
            if (i > 0)
            {
                writer.Byte((byte)'\t');
            }

            WriteField(ref writer, entry, _fields[i]);
        }

        bytesWritten = writer.Overflow ? 0 : writer.Position;
        return !writer.Overflow;
    }

    private static void WriteField(ref Writer w, in RealtimeLogEntry e, RealtimeLogField field)
    {
        switch (field)
        {
            case RealtimeLogField.Timestamp:
                w.Number(e.TimestampUnixMs / 1000);
                w.Byte((byte)'.');
                w.Number(e.TimestampUnixMs % 1000, minDigits: 3);
                break;
            case RealtimeLogField.Status:
                w.Number(e.Status, minDigits: 3);
                break;
            case RealtimeLogField.BytesSent:
                w.Number(e.BytesSent);
                break;
            case RealtimeLogField.BytesReceived:
                w.NumberOrDash(e.BytesReceived);
                break;
            case RealtimeLogField.TimeTaken:
                w.Seconds(e.TimeTakenSeconds);
                break;
            case RealtimeLogField.TimeToFirstByte:
                w.Seconds(e.TimeToFirstByteSeconds);
                break;
            case RealtimeLogField.ClientPort:
                w.NumberOrDash(e.ClientPort > 0 ? e.ClientPort : -1);
                break;
            case RealtimeLogField.ContentLength:
                w.NumberOrDash(e.ContentLength);
                break;
            case RealtimeLogField.HeadersCount:
                w.Number(e.HeadersCount);
                break;
            case RealtimeLogField.Asn:
                w.NumberOrDash(e.Asn > 0 ? e.Asn : -1);
                break;
            case RealtimeLogField.Cookie or RealtimeLogField.Headers or RealtimeLogField.HeaderNames:
                w.Text(TextOf(e, field), HeaderFieldLimit);
                break;
            default:
                w.Text(TextOf(e, field), int.MaxValue);
                break;
        }
    }

    private static string? TextOf(in RealtimeLogEntry e, RealtimeLogField field) => field switch
    {
        RealtimeLogField.ClientIp => e.ClientIp,
        RealtimeLogField.Method => e.Method,
        RealtimeLogField.Protocol => e.Protocol,
        RealtimeLogField.Host => e.Host,
        RealtimeLogField.UriStem => e.UriStem,
        RealtimeLogField.EdgeLocation => e.EdgeLocation,
        RealtimeLogField.EdgeRequestId => e.RequestId,
        RealtimeLogField.HostHeader => e.HostHeader,
        RealtimeLogField.ProtocolVersion => e.ProtocolVersion,
        RealtimeLogField.ClientIpVersion => e.ClientIpVersion,
        RealtimeLogField.UserAgent => e.UserAgent,
        RealtimeLogField.Referer => e.Referer,
        RealtimeLogField.Cookie => e.Cookie,
        RealtimeLogField.UriQuery => e.UriQuery,
        RealtimeLogField.EdgeResponseResultType or RealtimeLogField.EdgeResultType or RealtimeLogField.EdgeDetailedResultType => e.ResultType,
        RealtimeLogField.ForwardedFor => e.ForwardedFor,
        RealtimeLogField.ContentType => e.ContentType,
        RealtimeLogField.Country => e.Country,
        RealtimeLogField.AcceptEncoding => e.AcceptEncoding,
        RealtimeLogField.Accept => e.Accept,
        RealtimeLogField.CacheBehaviorPathPattern => e.CacheBehaviorPathPattern,
        RealtimeLogField.Headers => e.Headers,
        RealtimeLogField.HeaderNames => e.HeaderNames,
        // Fields a plain-HTTP local edge has no value for: TLS, field-level encryption, ranges, origin latency.
        _ => null,
    };

    private ref struct Writer(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Position { get; private set; }

        public bool Overflow { get; private set; }

        public void Byte(byte b)
        {
            if (Position < _destination.Length)
            {
                _destination[Position++] = b;
            }
            else
            {
                Overflow = true;
            }
        }

        public void Number(long value, int minDigits = 1)
        {
            for (var digits = CountDigits(value); digits < minDigits; digits++)
            {
                Byte((byte)'0');
            }

            if (Utf8Formatter.TryFormat(value, _destination[Math.Min(Position, _destination.Length)..], out var written))
            {
                Position += written;
            }
            else
            {
                Overflow = true;
            }
        }

        public void NumberOrDash(long value)
        {
            if (value < 0)
            {
                Byte((byte)'-');
            }
            else
            {
                Number(value);
            }
        }

        public void Seconds(double seconds)
        {
            // Three decimals, like CloudFront's time-taken (0.082).
            var millis = (long)Math.Round(Math.Max(0, seconds) * 1000, MidpointRounding.AwayFromZero);
            Number(millis / 1000);
            Byte((byte)'.');
            Number(millis % 1000, minDigits: 3);
        }

        public void Text(string? value, int limit)
        {
            if (string.IsNullOrEmpty(value))
            {
                Byte((byte)'-');
                return;
            }

            var start = Position;
            var rest = value.AsSpan();
            Span<byte> utf8 = stackalloc byte[4];
            while (rest.Length > 0 && !Overflow)
            {
                // Most of a record is plain ASCII: copy each run of characters that need no escape in one go.
                var run = rest.IndexOfAnyExcept(SafeChars);
                if (run < 0)
                {
                    run = rest.Length;
                }

                if (run > 0)
                {
                    var room = limit - (Position - start);
                    if (!Ascii(rest[..Math.Min(run, room)]) || run > room)
                    {
                        return;
                    }

                    rest = rest[run..];
                    continue;
                }

                // One character that is escaped: a control or unsafe ASCII byte, or a non-ASCII scalar as its UTF-8 bytes.
                var consumed = 1;
                var rune = Rune.ReplacementChar;
                if (rest[0] < 0x80)
                {
                    rune = new Rune(rest[0]);
                }
                else if (rest.Length > 1 && char.IsSurrogatePair(rest[0], rest[1]))
                {
                    rune = new Rune(rest[0], rest[1]);
                    consumed = 2;
                }
                else if (!char.IsSurrogate(rest[0]))
                {
                    rune = new Rune(rest[0]);
                }

                // A lone surrogate became U+FFFD above, as UTF-8 encoders do.
                var count = rune.EncodeToUtf8(utf8);
                if (Position - start + (count * 3) > limit)
                {
                    // Truncate on a character boundary so an escape or a UTF-8 sequence is never cut in half.
                    return;
                }

                for (var k = 0; k < count; k++)
                {
                    Byte((byte)'%');
                    Byte(Hex[utf8[k] >> 4]);
                    Byte(Hex[utf8[k] & 0xF]);
                }

                rest = rest[consumed..];
            }
        }

        /// <summary>Copies characters known to be safe ASCII; false (with <see cref="Overflow"/> set) when they do not fit.</summary>
        private bool Ascii(ReadOnlySpan<char> chars)
        {
            if (System.Text.Ascii.FromUtf16(chars, _destination[Math.Min(Position, _destination.Length)..], out var written) != OperationStatus.Done)
            {
                Overflow = true;
                return false;
            }

            Position += written;
            return true;
        }

        private static int CountDigits(long value)
        {
            var digits = 1;
            for (var v = Math.Abs(value); v >= 10; v /= 10)
            {
                digits++;
            }

            return digits;
        }
    }
}
