using System.Numerics;

namespace Gateway.Processing;

/// <summary>Unsigned LEB128 varints (the protobuf encoding of unsigned integers): the KPL format and the dashboards' sketch bytes.</summary>
public static class Varint
{
    /// <summary>Bytes <see cref="Write"/> uses for <paramref name="value"/>.</summary>
    public static int Size(ulong value) => value < 0x80 ? 1 : ((63 - BitOperations.LeadingZeroCount(value)) / 7) + 1;

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="destination"/> and returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }
}
