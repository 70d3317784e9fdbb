using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Gateway.Processing.Internal;

namespace Gateway.Processing;

public sealed partial class RealtimeLogParser
{
    /// <summary>
    /// Checks a text field decodes once to valid UTF-8; for the query-bearing fields also that the client's own
    /// escapes decode a second time, so iterating the query later cannot fail. Only for the fields the line's scan
    /// could not clear (see RealtimeLogScan): the message names the first fault.
    /// </summary>
    private static bool TryText(RealtimeLogField field, FieldKind kind, int index, ReadOnlySpan<byte> value, int position, ref byte[]? scratch, out RealtimeLogBadRow badRow)
    {
        badRow = default;
        if (scratch is null || scratch.Length < value.Length * 2)
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            // The field decoded once, then its query decoded a second time behind it: decoding only shrinks.
            scratch = ArrayPool<byte>.Shared.Rent(Math.Max(value.Length * 2, 512));
        }

        var once = scratch.AsSpan(0, PercentCoding.DecodeChecked(value, scratch, plusIsSpace: false, out var invalid, out var decodesAboveAscii));
        if (invalid >= 0)
        {
            badRow = Fail(BadRowReason.PercentEncoding, field, index, position + invalid, $"has an invalid percent escape '{Preview(value.Slice(invalid, Math.Min(3, value.Length - invalid)))}' at byte {invalid} of the field");
            return false;
        }

        var badUtf8 = decodesAboveAscii || !Ascii.IsValid(value) ? PercentCoding.FindInvalidUtf8(once) : -1;
        if (badUtf8 >= 0)
        {
            badRow = Fail(BadRowReason.Utf8, field, index, position, $"is not valid UTF-8 after percent-decoding (byte {badUtf8} of the decoded value)");
            return false;
        }

        if (kind == FieldKind.Text)
        {
            return true;
        }

        var query = once;
        var queryStart = 0;
        if (kind == FieldKind.Stem)
        {
            var question = once.IndexOf((byte)'?');
            if (question < 0)
            {
                return true;
            }

            queryStart = question + 1;
            query = once[queryStart..];
        }

        return TrySecondDecode(field, index, query, queryStart, position, scratch.AsSpan(value.Length), out badRow);
    }

    private static bool TrySecondDecode(RealtimeLogField field, int index, ReadOnlySpan<byte> query, int queryStart, int position, Span<byte> twice, out RealtimeLogBadRow badRow)
    {
        badRow = default;
        var twiceLength = PercentCoding.DecodeChecked(query, twice, plusIsSpace: true, out var invalid, out var decodesAboveAscii);
        if (invalid >= 0)
        {
            badRow = Fail(BadRowReason.PercentEncoding, field, index, position, $"has an invalid percent escape '{Preview(query.Slice(invalid, Math.Min(3, query.Length - invalid)))}' in the query at byte {queryStart + invalid} of the once-decoded value");
            return false;
        }

        // The once-decoded bytes were already checked as UTF-8, and escapes that stand for ASCII bytes cannot make a
        // name or value invalid. Otherwise: '&' and '=' are ASCII, so they split valid UTF-8 only between characters,
        // and the names and values decoded a second time are all valid exactly when the whole query decoded a second
        // time is. One check, and the walk name by name only to say where one fails.
        if (!decodesAboveAscii || Utf8.IsValid(twice[..twiceLength]))
        {
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
