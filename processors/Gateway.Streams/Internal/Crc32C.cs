using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Streams.Internal;

/// <summary>CRC-32C (Castagnoli): the checksum ext4, iSCSI and Kafka use, because SSE4.2 computes it in hardware.</summary>
/// <remarks>System.IO.Hashing is not on this project's package mirror, so it is implemented here.</remarks>
internal static class Crc32C
{
    // 0x1EDC6F41 bit-reversed: the table and the SSE4.2 instruction both work LSB-first.
    private const uint ReflectedPolynomial = 0x82F63B78;

    private static readonly uint[] Table = CreateTable();

    public static bool IsHardwareAccelerated => Sse42.IsSupported;

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues <paramref name="crc"/> (a finished CRC of earlier bytes): Append(Compute(a), b) == Compute(a + b).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) =>
        Sse42.IsSupported ? ~UpdateHardware(~crc, data) : ~UpdateSoftware(~crc, data);

    public static uint AppendSoftware(uint crc, ReadOnlySpan<byte> data) => ~UpdateSoftware(~crc, data);

    public static uint AppendHardware(uint crc, ReadOnlySpan<byte> data) =>
        Sse42.IsSupported ? ~UpdateHardware(~crc, data) : throw new PlatformNotSupportedException("SSE4.2 is not available on this CPU.");

    private static uint UpdateHardware(uint state, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            var wide = (ulong)state;
            while (data.Length >= sizeof(ulong))
            {
                wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[sizeof(ulong)..];
            }

            state = (uint)wide;
        }

        while (data.Length >= sizeof(uint))
        {
            state = Sse42.Crc32(state, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[sizeof(uint)..];
        }

        foreach (var b in data)
        {
            state = Sse42.Crc32(state, b);
        }

        return state;
    }

    private static uint UpdateSoftware(uint state, ReadOnlySpan<byte> data)
    {
        var table = Table;
        foreach (var b in data)
        {
            state = table[(byte)(state ^ b)] ^ (state >> 8);
        }

        return state;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (var i = 0u; i < 256; i++)
        {
            var entry = i;
            for (var bit = 0; bit < 8; bit++)
            {
                entry = (entry & 1) != 0 ? (entry >> 1) ^ ReflectedPolynomial : entry >> 1;
            }

            table[i] = entry;
        }

        return table;
    }
}
