using System.Buffers;
using System.Text;
using Gateway.Processing.Internal;

namespace Gateway.Processing;

public sealed partial class RealtimeLogParser
{
    /// <summary>
    /// Checks a text field decodes once to valid UTF-8; for the query-bearing fields also that the client's own
    /// escapes decode a second time, so iterating the query later cannot fail.
    /// </summary>
    private static bool TryText(RealtimeLogField field, int index, ReadOnlySpan<byte> value, int position, ref byte[]? scratch, out RealtimeLogBadRow badRow)
    {
        badRow = default;
        var isQuery = field is RealtimeLogField.UriQuery or RealtimeLogField.UriStem;
        if (!isQuery && Ascii.IsValid(value) && !value.Contains((byte)'%'))
        {
            // The common case: CloudFront escapes everything outside printable ASCII, so most fields need no work.
            return true;
        }

        var invalid = PercentCoding.FindInvalidEscape(value, out var decodesAboveAscii);
        if (invalid >= 0)
        {
            badRow = Fail(BadRowReason.PercentEncoding, field, index, position + invalid, $"has an invalid percent escape '{Preview(value.Slice(invalid, Math.Min(3, value.Length - invalid)))}' at byte {invalid} of the field");
            return false;
        }

        if (!isQuery && !decodesAboveAscii && Ascii.IsValid(value))
        {
            // ASCII bytes whose escapes all stand for ASCII decode to ASCII, which is valid UTF-8: nothing to decode.
            // This is every user agent (spaces arrive as %20).
            return true;
        }

        if (scratch is null || scratch.Length < value.Length)
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            // One line-sized buffer is enough for every field: each is at most the line.
            scratch = ArrayPool<byte>.Shared.Rent(Math.Max(value.Length, 256));
        }

        var once = scratch.AsSpan(0, PercentCoding.Decode(value, scratch, plusIsSpace: false));
        var badUtf8 = decodesAboveAscii || !Ascii.IsValid(value) ? PercentCoding.FindInvalidUtf8(once) : -1;
        if (badUtf8 >= 0)
        {
            badRow = Fail(BadRowReason.Utf8, field, index, position, $"is not valid UTF-8 after percent-decoding (byte {badUtf8} of the decoded value)");
            return false;
        }

        if (!isQuery)
        {
            return true;
        }

        var query = once;
        var queryStart = 0;
        if (field == RealtimeLogField.UriStem)
        {
            var question = once.IndexOf((byte)'?');
            if (question < 0)
            {
                return true;
            }

            queryStart = question + 1;
            query = once[queryStart..];
        }

        return TrySecondDecode(field, index, query, queryStart, position, out badRow);
    }

    private static bool TrySecondDecode(RealtimeLogField field, int index, ReadOnlySpan<byte> query, int queryStart, int position, out RealtimeLogBadRow badRow)
    {
        badRow = default;
        var invalid = PercentCoding.FindInvalidEscape(query, out var decodesAboveAscii);
        if (invalid >= 0)
        {
            badRow = Fail(BadRowReason.PercentEncoding, field, index, position, $"has an invalid percent escape '{Preview(query.Slice(invalid, Math.Min(3, query.Length - invalid)))}' in the query at byte {queryStart + invalid} of the once-decoded value");
            return false;
        }

        if (!decodesAboveAscii)
        {
            // The once-decoded bytes were already checked as UTF-8, and escapes that stand for ASCII bytes cannot make
            // a name or value invalid: the common case of a query whose non-ASCII text arrives as %25C3%25A9 is below.
            return true;
        }

        // Names and values are checked one by one, split where the iterator will split them.
        Span<byte> small = stackalloc byte[256];
        var offset = 0;
        while (offset < query.Length)
        {
            var length = query[offset..].IndexOfAny((byte)'&', (byte)'=');
            length = length < 0 ? query.Length - offset : length;
            var part = query.Slice(offset, length);
            if (part.Contains((byte)'%'))
            {
                byte[]? rented = null;
                var buffer = part.Length <= small.Length ? small : (rented = ArrayPool<byte>.Shared.Rent(part.Length));
                var badUtf8 = PercentCoding.FindInvalidUtf8(buffer[..PercentCoding.Decode(part, buffer, plusIsSpace: true)]);
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }

                if (badUtf8 >= 0)
                {
                    badRow = Fail(BadRowReason.Utf8, field, index, position, $"has a query name or value at byte {queryStart + offset} of the once-decoded value that is not valid UTF-8 after the second decode");
                    return false;
                }
            }

            offset += length + 1;
        }

        return true;
    }

    private static RealtimeLogBadRow Fail(BadRowReason reason, RealtimeLogField field, int index, int position, string problem) =>
        new(reason, field, position, $"{RealtimeLogFields.NameOf(field)} (field {index + 1}, byte {position} of the line) {problem}");

    /// <summary>A short, printable excerpt of bad input for the message; the raw line is stored beside it anyway.</summary>
    private static string Preview(ReadOnlySpan<byte> value)
    {
        const int Limit = 40;
        var builder = new StringBuilder();
        foreach (var b in value[..Math.Min(value.Length, Limit)])
        {
            _ = b is >= 0x20 and < 0x7F and not (byte)'\'' ? builder.Append((char)b) : builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:X2}");
        }

        return value.Length > Limit ? builder.Append('…').ToString() : builder.ToString();
    }
}
