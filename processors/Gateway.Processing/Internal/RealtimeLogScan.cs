using System.Numerics;
using System.Runtime.Intrinsics;

namespace Gateway.Processing.Internal;

/// <summary>
/// One pass over a real-time log line, a vector at a time: where its tabs are, and which text fields need checking
/// one by one. CloudFront escapes every byte outside printable ASCII, so most fields are ASCII whose escapes stand
/// for ASCII bytes; such a field decodes, without failing, to ASCII and so to valid UTF-8, and is skipped.
/// </summary>
internal static class RealtimeLogScan
{
    /// <summary>
    /// Writes the offsets of the line's tabs to <paramref name="tabs"/> (as many as fit) and returns how many there
    /// are. Fields are numbered by position in the line (the first 64). <paramref name="textChecks"/>: the fields that
    /// are not plain, that is hold a non-ASCII byte or a <c>%</c> that does not start an escape of an ASCII byte
    /// (<c>%</c>, a digit 0–7, a hex digit). <paramref name="queryChecks"/>: the fields with a <c>%25</c> not followed
    /// by the digits of another such escape. A plain field decodes once to ASCII; when it bears a query, the '%'s of
    /// the once-decoded bytes are its <c>%25</c>s, so outside both sets the query's second decode is plain too.
    /// </summary>
    public static int Run(ReadOnlySpan<byte> line, Span<int> tabs, out ulong textChecks, out ulong queryChecks)
    {
        var count = 0;
        var i = 0;
        textChecks = 0;
        queryChecks = 0;

        // Each '%' is checked with the bytes one to four after it, read as loads shifted by one to four, so the
        // vector loops stop four bytes short of a whole vector before the end and the scalar loop finishes.
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= line.Length - Vector256<byte>.Count - 4; i += Vector256<byte>.Count)
            {
                var block = Vector256.Create(line.Slice(i, Vector256<byte>.Count));
                var tabBits = Vector256.Equals(block, Vector256.Create((byte)'\t')).ExtractMostSignificantBits();
                var textBits = block.ExtractMostSignificantBits();
                var queryBits = 0u;
                var percent = Vector256.Equals(block, Vector256.Create((byte)'%'));
                if (percent != Vector256<byte>.Zero)
                {
                    var first = Vector256.Create(line.Slice(i + 1, Vector256<byte>.Count));
                    var second = Vector256.Create(line.Slice(i + 2, Vector256<byte>.Count));
                    textBits |= Vector256.AndNot(percent, IsOctal(first) & IsHex(second)).ExtractMostSignificantBits();
                    var percent25 = percent & Vector256.Equals(first, Vector256.Create((byte)'2')) & Vector256.Equals(second, Vector256.Create((byte)'5'));
                    if (percent25 != Vector256<byte>.Zero)
                    {
                        var third = Vector256.Create(line.Slice(i + 3, Vector256<byte>.Count));
                        var fourth = Vector256.Create(line.Slice(i + 4, Vector256<byte>.Count));
                        queryBits = Vector256.AndNot(percent25, IsOctal(third) & IsHex(fourth)).ExtractMostSignificantBits();
                    }
                }

                if ((textBits | queryBits) != 0)
                {
                    textChecks |= Fields(textBits, tabBits, count);
                    queryChecks |= Fields(queryBits, tabBits, count);
                }

                count = Record(tabBits, i, tabs, count);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= line.Length - Vector128<byte>.Count - 4; i += Vector128<byte>.Count)
            {
                var block = Vector128.Create(line.Slice(i, Vector128<byte>.Count));
                var tabBits = Vector128.Equals(block, Vector128.Create((byte)'\t')).ExtractMostSignificantBits();
                var textBits = block.ExtractMostSignificantBits();
                var queryBits = 0u;
                var percent = Vector128.Equals(block, Vector128.Create((byte)'%'));
                if (percent != Vector128<byte>.Zero)
                {
                    var first = Vector128.Create(line.Slice(i + 1, Vector128<byte>.Count));
                    var second = Vector128.Create(line.Slice(i + 2, Vector128<byte>.Count));
                    textBits |= Vector128.AndNot(percent, IsOctal(first) & IsHex(second)).ExtractMostSignificantBits();
                    var percent25 = percent & Vector128.Equals(first, Vector128.Create((byte)'2')) & Vector128.Equals(second, Vector128.Create((byte)'5'));
                    if (percent25 != Vector128<byte>.Zero)
                    {
                        var third = Vector128.Create(line.Slice(i + 3, Vector128<byte>.Count));
                        var fourth = Vector128.Create(line.Slice(i + 4, Vector128<byte>.Count));
                        queryBits = Vector128.AndNot(percent25, IsOctal(third) & IsHex(fourth)).ExtractMostSignificantBits();
                    }
                }

                if ((textBits | queryBits) != 0)
                {
                    textChecks |= Fields(textBits, tabBits, count);
                    queryChecks |= Fields(queryBits, tabBits, count);
                }

                count = Record(tabBits, i, tabs, count);
            }
        }

        for (; i < line.Length; i++)
        {
            var b = line[i];
            if (b == (byte)'\t')
            {
                count = Record(1, i, tabs, count);
            }
            else if (b >= 0x80)
            {
                textChecks |= Field(count);
            }
            else if (b == (byte)'%')
            {
                if (!IsPlainEscape(line, i))
                {
                    textChecks |= Field(count);
                }
                else if (line[i + 1] == (byte)'2' && line[i + 2] == (byte)'5' && !IsPlainEscape(line, i + 2))
                {
                    queryChecks |= Field(count);
                }
            }
        }

        return count;
    }

    /// <summary>Whether the '%' at <paramref name="at"/> (or the one a <c>%25</c> there decodes to) starts an escape of an ASCII byte.</summary>
    private static bool IsPlainEscape(ReadOnlySpan<byte> line, int at) =>
        at + 2 < line.Length && (uint)(line[at + 1] - '0') < 8 && PercentCoding.IsHexDigit(line[at + 2]);

    /// <summary>The fields holding the bytes of <paramref name="bits"/>, a block whose tabs are <paramref name="tabBits"/>.</summary>
    private static ulong Fields(uint bits, uint tabBits, int tabsBefore)
    {
        var fields = 0UL;
        for (; bits != 0; bits &= bits - 1)
        {
            var below = (1u << BitOperations.TrailingZeroCount(bits)) - 1;
            fields |= Field(tabsBefore + BitOperations.PopCount(tabBits & below));
        }

        return fields;
    }

    // A line with more than 64 fields fails on its count anyway.
    private static ulong Field(int index) => index < 64 ? 1UL << index : 0;

    private static int Record(uint mask, int offset, Span<int> tabs, int count)
    {
        for (; mask != 0; mask &= mask - 1)
        {
            if (count < tabs.Length)
            {
                tabs[count] = offset + BitOperations.TrailingZeroCount(mask);
            }

            count++;
        }

        return count;
    }

    private static Vector256<byte> IsOctal(Vector256<byte> v) => Vector256.LessThan(v - Vector256.Create((byte)'0'), Vector256.Create((byte)8));

    private static Vector256<byte> IsHex(Vector256<byte> v) =>
        Vector256.LessThan(v - Vector256.Create((byte)'0'), Vector256.Create((byte)10))
        | Vector256.LessThan((v | Vector256.Create((byte)0x20)) - Vector256.Create((byte)'a'), Vector256.Create((byte)6));

    private static Vector128<byte> IsOctal(Vector128<byte> v) => Vector128.LessThan(v - Vector128.Create((byte)'0'), Vector128.Create((byte)8));

    private static Vector128<byte> IsHex(Vector128<byte> v) =>
        Vector128.LessThan(v - Vector128.Create((byte)'0'), Vector128.Create((byte)10))
        | Vector128.LessThan((v | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'), Vector128.Create((byte)6));
}
