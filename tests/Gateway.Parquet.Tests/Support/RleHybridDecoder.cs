using System.Buffers.Binary;

namespace Gateway.Parquet.Tests.Support;

/// <summary>
/// A decoder for the RLE / bit-packed hybrid written from Encodings.md for the tests (the library only encodes), so
/// encoder output can be checked value by value. Records the runs it saw.
/// </summary>
internal static class RleHybridDecoder
{
    public static (int[] Values, List<(bool BitPacked, int Count)> Runs) Decode(ReadOnlySpan<byte> data, int bitWidth, int count)
    {
        var values = new List<int>();
        var runs = new List<(bool, int)>();
        var position = 0;
        while (values.Count < count)
        {
            var header = ReadVarint(data, ref position);
            if ((header & 1) == 0)
            {
                var runLength = (int)(header >> 1);
                var value = 0;
                var bytes = (bitWidth + 7) / 8;
                for (var i = 0; i < bytes; i++)
                {
                    value |= data[position++] << (8 * i);
                }

                runs.Add((false, runLength));
                values.AddRange(Enumerable.Repeat(value, runLength));
            }
            else
            {
                var groupValues = (int)(header >> 1) * 8;
                runs.Add((true, groupValues));
                var bitPosition = 0L;
                var start = position;
                for (var i = 0; i < groupValues; i++)
                {
                    var value = 0;
                    for (var b = 0; b < bitWidth; b++, bitPosition++)
                    {
                        var bit = (data[start + (int)(bitPosition / 8)] >> (int)(bitPosition % 8)) & 1;
                        value |= bit << b;
                    }

                    values.Add(value);
                }

                position = start + (groupValues * bitWidth / 8);
            }
        }

        Assert.True(position == data.Length, $"decoding {count} values used {position} of {data.Length} bytes");
        return (values.Take(count).ToArray(), runs);
    }

    /// <summary>Reads v1 definition levels: a 4-byte length, then the hybrid encoding at bit width 1.</summary>
    public static int[] DecodeLevels(ReadOnlySpan<byte> data, int count)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(data);
        return Decode(data.Slice(4, length), 1, count).Values;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
