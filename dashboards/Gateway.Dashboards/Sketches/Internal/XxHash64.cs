using System.Buffers.Binary;
using System.Numerics;

namespace Gateway.Dashboards.Sketches.Internal;

/// <summary>
/// XXH64 (the 64-bit xxHash of the public xxHash specification) with seed 0, written here because
/// System.IO.Hashing is a NuGet package rather than part of the base library. Its output is bit-identical to that
/// package's <c>XxHash64.HashToUInt64</c>, so either can produce the hashes stored sketches were built from.
/// </summary>
/// <remarks>Fast on short keys (a visitor id is 16–40 bytes) and passes SMHasher; a sketch's serialized form depends on
/// it, so changing the hash means a new sketch format version.</remarks>
internal static class XxHash64
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime5 = 0x27D4EB2F165667C5UL;

    /// <summary>The XXH64 digest (seed 0) of <paramref name="data"/>.</summary>
    public static ulong Hash(ReadOnlySpan<byte> data)
    {
        var length = (ulong)data.Length;
        ulong acc;
        if (data.Length >= 32)
        {
            var v1 = unchecked(Prime1 + Prime2);
            var v2 = Prime2;
            var v3 = 0UL;
            var v4 = unchecked(0UL - Prime1);
            do
            {
                v1 = Round(v1, BinaryPrimitives.ReadUInt64LittleEndian(data));
                v2 = Round(v2, BinaryPrimitives.ReadUInt64LittleEndian(data[8..]));
                v3 = Round(v3, BinaryPrimitives.ReadUInt64LittleEndian(data[16..]));
                v4 = Round(v4, BinaryPrimitives.ReadUInt64LittleEndian(data[24..]));
                data = data[32..];
            }
            while (data.Length >= 32);

            acc = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7)
                + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
            acc = MergeRound(acc, v1);
            acc = MergeRound(acc, v2);
            acc = MergeRound(acc, v3);
            acc = MergeRound(acc, v4);
        }
        else
        {
            acc = Prime5;
        }

        acc += length;
        while (data.Length >= 8)
        {
            acc ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(data));
            acc = (BitOperations.RotateLeft(acc, 27) * Prime1) + Prime4;
            data = data[8..];
        }

        if (data.Length >= 4)
        {
            acc ^= BinaryPrimitives.ReadUInt32LittleEndian(data) * Prime1;
            acc = (BitOperations.RotateLeft(acc, 23) * Prime2) + Prime3;
            data = data[4..];
        }

        foreach (var b in data)
        {
            acc ^= b * Prime5;
            acc = BitOperations.RotateLeft(acc, 11) * Prime1;
        }

        acc ^= acc >> 33;
        acc *= Prime2;
        acc ^= acc >> 29;
        acc *= Prime3;
        acc ^= acc >> 32;
        return acc;
    }

    private static ulong Round(ulong acc, ulong lane) => BitOperations.RotateLeft(acc + (lane * Prime2), 31) * Prime1;

    private static ulong MergeRound(ulong acc, ulong value) => ((acc ^ Round(0, value)) * Prime1) + Prime4;
}
