namespace Gateway.Dashboards.Sketches.Internal;

/// <summary>Unsigned LEB128 varints for the sketches' serialized forms (the protobuf encoding of unsigned integers).</summary>
internal static class Wire
{
    /// <summary>Bytes <see cref="WriteVarint"/> uses for <paramref name="value"/>.</summary>
    public static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="destination"/> and returns the bytes written.</summary>
    public static int WriteVarint(Span<byte> destination, ulong value)
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
