using System.Text;
using System.Text.Unicode;

namespace Gateway.Processing.Internal;

/// <summary>Percent-decoding over UTF-8 bytes, as CloudFront's log encoding and form encoding need it.</summary>
internal static class PercentCoding
{
    /// <summary>
    /// Decodes <paramref name="source"/> into <paramref name="destination"/> (at least as long) and returns the
    /// length written. An invalid escape is copied as is: callers validate first, this only must not fail.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> destination, bool plusIsSpace) =>
        DecodeChecked(source, destination, plusIsSpace, stopAtInvalid: false, out _, out _);

    /// <summary>
    /// Decodes like <see cref="Decode"/>, checking as it goes: stops at the first <c>%</c> not followed by two hex
    /// digits and gives its index in <paramref name="invalid"/> (else -1). <paramref name="decodesAboveAscii"/> tells
    /// whether some escape stands for a byte of 0x80 or more (only then can ASCII input decode to invalid UTF-8).
    /// </summary>
    public static int DecodeChecked(ReadOnlySpan<byte> source, Span<byte> destination, bool plusIsSpace, out int invalid, out bool decodesAboveAscii) =>
        DecodeChecked(source, destination, plusIsSpace, stopAtInvalid: true, out invalid, out decodesAboveAscii);

    // Runs without '%' (or '+') are found and copied by vectorized searches; only the escapes go byte by byte.
    private static int DecodeChecked(ReadOnlySpan<byte> source, Span<byte> destination, bool plusIsSpace, bool stopAtInvalid, out int invalid, out bool decodesAboveAscii)
    {
        invalid = -1;
        decodesAboveAscii = false;
        var written = 0;
        var i = 0;
        while (i < source.Length)
        {
            var rest = source[i..];
            var next = plusIsSpace ? rest.IndexOfAny((byte)'%', (byte)'+') : rest.IndexOf((byte)'%');
            if (next < 0)
            {
                rest.CopyTo(destination[written..]);
                return written + rest.Length;
            }

            rest[..next].CopyTo(destination[written..]);
            written += next;
            i += next;
            if (source[i] == (byte)'+')
            {
                destination[written++] = (byte)' ';
                i++;
                continue;
            }

            int high, low;
            if (i + 2 < source.Length && (high = HexValue(source[i + 1])) >= 0 && (low = HexValue(source[i + 2])) >= 0)
            {
                decodesAboveAscii |= high >= 8;
                destination[written++] = (byte)((high << 4) | low);
                i += 3;
                continue;
            }

            if (stopAtInvalid)
            {
                invalid = i;
                return written;
            }

            // Not an escape: the '%' stays as it is.
            destination[written++] = (byte)'%';
            i++;
        }

        return written;
    }

    /// <summary>Whether decoding changes anything, so plain runs can be used in place without copying.</summary>
    public static bool NeedsDecoding(ReadOnlySpan<byte> source, bool plusIsSpace) =>
        plusIsSpace ? source.IndexOfAny((byte)'%', (byte)'+') >= 0 : source.Contains((byte)'%');

    /// <summary>Offset of the first byte of an invalid UTF-8 sequence, or -1 when <paramref name="bytes"/> is valid.</summary>
    public static int FindInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return -1;
        }

        // Only the failure path walks rune by rune, to report where the bad sequence starts.
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }

    /// <summary>Decodes once to a string; the bytes were validated when the line was parsed.</summary>
    public static string DecodeToString(ReadOnlySpan<byte> source, bool plusIsSpace)
    {
        if (!NeedsDecoding(source, plusIsSpace))
        {
            return Encoding.UTF8.GetString(source);
        }

        // Decoding only shrinks, so the encoded length bounds the buffer.
        byte[]? rented = null;
        var buffer = source.Length <= 256 ? stackalloc byte[256] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(source.Length));
        try
        {
            var written = Decode(source, buffer, plusIsSpace);
            return Encoding.UTF8.GetString(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Whether <paramref name="b"/> is 0–9, A–F or a–f.</summary>
    public static bool IsHexDigit(byte b) => HexValue(b) >= 0;

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        _ => -1,
    };
}
