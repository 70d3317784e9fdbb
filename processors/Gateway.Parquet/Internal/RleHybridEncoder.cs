using System.Numerics;

namespace Gateway.Parquet.Internal;

/// <summary>
/// The RLE / bit-packed hybrid encoding (Encodings.md) for definition levels and dictionary indices. A run of 8 or
/// more equal values, or a tail that is one run, becomes an RLE run; everything else is bit-packed LSB-first in groups
/// of 8, and only the last group of the data is padded with zeros (a reader stops at the page's value count).
/// </summary>
internal static class RleHybridEncoder
{
    private const int MinRleRun = 8;

    /// <summary>Appends the encoding of <paramref name="values"/> (each below 2^bitWidth) to <paramref name="output"/>.</summary>
    public static void Encode<T>(ReadOnlySpan<T> values, int bitWidth, PooledBuffer<byte> output)
        where T : unmanaged, IBinaryInteger<T>
    {
        var position = 0;
        var literalStart = 0;
        while (position < values.Length)
        {
            var run = RunLength(values[position..]);
            if (run >= MinRleRun || (position == literalStart && position + run == values.Length))
            {
                WriteBitPacked(values[literalStart..position], bitWidth, output);
                WriteRle(uint.CreateTruncating(values[position]), run, bitWidth, output);
                position += run;
                literalStart = position;
            }
            else
            {
                // Literal groups stay whole multiples of 8 until the tail, so only the last run is padded.
                position = Math.Min(position + 8, values.Length);
            }
        }

        WriteBitPacked(values[literalStart..position], bitWidth, output);
    }

    /// <summary>Bit length of <paramref name="maxValue"/>: the width that holds 0..maxValue.</summary>
    public static int BitWidth(int maxValue) => maxValue <= 0 ? 0 : 32 - BitOperations.LeadingZeroCount((uint)maxValue);

    private static int RunLength<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryInteger<T>
    {
        var different = values.IndexOfAnyExcept(values[0]);
        return different < 0 ? values.Length : different;
    }

    private static void WriteRle(uint value, int count, int bitWidth, PooledBuffer<byte> output)
    {
        WriteVarint((uint)count << 1, output);
        for (var written = 0; written < bitWidth; written += 8)
        {
            output.Add((byte)value);
            value >>= 8;
        }
    }

    private static void WriteBitPacked<T>(ReadOnlySpan<T> values, int bitWidth, PooledBuffer<byte> output)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (values.IsEmpty)
        {
            return;
        }

        var groups = (values.Length + 7) / 8;
        WriteVarint(((uint)groups << 1) | 1, output);
        var byteCount = groups * bitWidth;
        var span = output.GetSpan(byteCount);
        var written = 0;
        ulong accumulator = 0;
        var bits = 0;
        foreach (var value in values)
        {
            accumulator |= ulong.CreateTruncating(value) << bits;
            bits += bitWidth;
            while (bits >= 8)
            {
                span[written++] = (byte)accumulator;
                accumulator >>= 8;
                bits -= 8;
            }
        }

        if (bits > 0)
        {
            span[written++] = (byte)accumulator;
        }

        // Zero padding up to whole groups of 8 values.
        span[written..byteCount].Clear();
        output.Advance(byteCount);
    }

    private static void WriteVarint(uint value, PooledBuffer<byte> output)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }
}
