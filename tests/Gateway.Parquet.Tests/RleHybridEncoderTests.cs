using FsCheck;
using FsCheck.Fluent;
using Gateway.Parquet.Internal;
using Gateway.Parquet.Tests.Support;

namespace Gateway.Parquet.Tests;

public sealed class RleHybridEncoderTests
{
    [Theory]
    // Encodings.md's example: 0..7 at width 3 is one bit-packed group, header (1 << 1) | 1, bytes 88 C6 FA.
    [InlineData(new[] { 0, 1, 2, 3, 4, 5, 6, 7 }, 3, "0388C6FA")]
    // Three equal levels are one RLE run (golden file, country levels): header 3 << 1, value 1.
    [InlineData(new[] { 1, 1, 1 }, 1, "0601")]
    // Levels 1,0,1 bit-packed and padded to a group of 8 (golden file, event levels).
    [InlineData(new[] { 1, 0, 1 }, 1, "0305")]
    // Dictionary indices 0,1,0 (golden file).
    [InlineData(new[] { 0, 1, 0 }, 1, "0302")]
    // Twenty fives at width 3: one RLE run, header 20 << 1 = 28, value in one byte.
    [InlineData(new[] { 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5 }, 3, "2805")]
    // Width 9 needs two value bytes in an RLE run: 300 = 2C 01.
    [InlineData(new[] { 300, 300, 300, 300, 300, 300, 300, 300 }, 9, "102C01")]
    // A run of 10 then a literal tail of 3: RLE run, then one padded bit-packed group.
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0 }, 1, "14010302")]
    // A literal group of 8, then a run of 8 zeros: the group stays whole, the run becomes RLE.
    [InlineData(new[] { 1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 1, "03551000")]
    public void Values_encode_to_the_expected_runs(int[] values, int bitWidth, string hex)
    {
        using var output = new PooledBuffer<byte>();

        RleHybridEncoder.Encode<int>(values, bitWidth, output);

        Assert.Equal(hex, Convert.ToHexString(output.Span));
    }

    [Fact]
    public void A_long_run_of_a_hundred_values_has_a_two_byte_header()
    {
        using var output = new PooledBuffer<byte>();

        RleHybridEncoder.Encode<int>(Enumerable.Repeat(5, 100).ToArray(), 3, output);

        Assert.Equal("C80105", Convert.ToHexString(output.Span));
    }

    [Theory]
    [InlineData(0, 0)] // a one-entry dictionary has index width 0; the writer raises it to 1
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(255, 8)]
    [InlineData(256, 9)]
    [InlineData(int.MaxValue, 31)]
    public void Bit_width_is_the_bit_length_of_the_largest_value(int max, int width) =>
        Assert.Equal(width, RleHybridEncoder.BitWidth(max));

    [Fact]
    public void Any_values_decode_back_and_only_the_last_bit_packed_run_is_padded()
    {
        var input =
            from width in Gen.Choose(1, 20)
            from runs in Gen.ListOf(
                from value in Gen.Choose(0, (1 << width) - 1)
                from length in Gen.Frequency((3, Gen.Choose(1, 4)), (1, Gen.Choose(5, 40)))
                select Enumerable.Repeat(value, length))
            select (Width: width, Values: runs.SelectMany(run => run).ToArray());

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Arb.From(input), c =>
        {
            using var output = new PooledBuffer<byte>();
            RleHybridEncoder.Encode<int>(c.Values, c.Width, output);

            var (decoded, runs) = RleHybridDecoder.Decode(output.Span, c.Width, c.Values.Length);

            Assert.Equal(c.Values, decoded);
            if (runs.Count > 0)
            {
                var padding = runs.Sum(run => run.Count) - c.Values.Length;
                Assert.True(padding == 0 || (runs[^1].BitPacked && padding < 8), $"{padding} padding values, last run {runs[^1]}");
            }
        }));
    }

    [Fact]
    public void Byte_levels_encode_like_int_values()
    {
        var levels = new byte[] { 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 };
        using var fromBytes = new PooledBuffer<byte>();
        using var fromInts = new PooledBuffer<byte>();

        RleHybridEncoder.Encode<byte>(levels, 1, fromBytes);
        RleHybridEncoder.Encode<int>(levels.Select(b => (int)b).ToArray(), 1, fromInts);

        Assert.Equal(Convert.ToHexString(fromInts.Span), Convert.ToHexString(fromBytes.Span));
    }
}
