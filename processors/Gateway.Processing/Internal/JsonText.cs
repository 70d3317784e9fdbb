namespace Gateway.Processing.Internal;

/// <summary>Minimal JSON string escaping over valid UTF-8: only <c>"</c>, <c>\</c> and control characters are escaped, so text stays readable.</summary>
internal static class JsonText
{
    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    /// <summary>Bytes <paramref name="utf8"/> takes once escaped, without the quotes.</summary>
    public static int EscapedLength(ReadOnlySpan<byte> utf8)
    {
        var length = utf8.Length;
        foreach (var b in utf8)
        {
            if (b < 0x20)
            {
                length += b is (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'\b' or (byte)'\f' ? 1 : 5;
            }
            else if (b is (byte)'"' or (byte)'\\')
            {
                length++;
            }
        }

        return length;
    }

    /// <summary>Writes <paramref name="utf8"/> escaped into <paramref name="destination"/> (at least <see cref="EscapedLength"/> bytes); returns the bytes written.</summary>
    public static int Escape(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        var written = 0;
        while (!utf8.IsEmpty)
        {
            // Copy the run that needs no escape in one go.
            var run = utf8.IndexOfAnyInRange((byte)0, (byte)0x1F);
            var special = utf8.IndexOfAny((byte)'"', (byte)'\\');
            var stop = run < 0 ? special : special < 0 ? run : Math.Min(run, special);
            if (stop < 0)
            {
                utf8.CopyTo(destination[written..]);
                return written + utf8.Length;
            }

            utf8[..stop].CopyTo(destination[written..]);
            written += stop;
            var b = utf8[stop];
            destination[written++] = (byte)'\\';
            switch (b)
            {
                case (byte)'"' or (byte)'\\': destination[written++] = b; break;
                case (byte)'\n': destination[written++] = (byte)'n'; break;
                case (byte)'\r': destination[written++] = (byte)'r'; break;
                case (byte)'\t': destination[written++] = (byte)'t'; break;
                case (byte)'\b': destination[written++] = (byte)'b'; break;
                case (byte)'\f': destination[written++] = (byte)'f'; break;
                default:
                    destination[written++] = (byte)'u';
                    destination[written++] = (byte)'0';
                    destination[written++] = (byte)'0';
                    destination[written++] = Hex[b >> 4];
                    destination[written++] = Hex[b & 0xF];
                    break;
            }

            utf8 = utf8[(stop + 1)..];
        }

        return written;
    }

    /// <summary>The longest prefix of <paramref name="utf8"/> within <paramref name="maxBytes"/> that ends on a character boundary.</summary>
    public static ReadOnlySpan<byte> CutAtCharacter(ReadOnlySpan<byte> utf8, int maxBytes)
    {
        if (utf8.Length <= maxBytes)
        {
            return utf8;
        }

        var end = maxBytes;
        // Back off continuation bytes (10xxxxxx) so the cut never splits a sequence.
        while (end > 0 && (utf8[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return utf8[..end];
    }
}
