using FsCheck;
using FsCheck.Fluent;
using Gateway.Dashboards.Sketches;

namespace Gateway.Dashboards.Tests.Sketches;

public sealed class HyperLogLogBytesTests
{
    [Theory]
    // Empty: sparse with no entries.
    [InlineData(14, 0)]
    // A quiet minute: sparse.
    [InlineData(14, 40)]
    // Busy: dense.
    [InlineData(14, 100_000)]
    // The smallest and largest precisions.
    [InlineData(4, 1_000)]
    [InlineData(18, 1_000)]
    public void A_sketch_reads_back_identical(int precision, int count)
    {
        var sketch = new HyperLogLog(precision);
        foreach (var id in SketchData.VisitorIds(count))
        {
            sketch.Add(id);
        }

        var bytes = sketch.ToBytes();
        var read = HyperLogLog.FromBytes(bytes);

        Assert.Equal(precision, read.Precision);
        Assert.Equal(sketch.Estimate(), read.Estimate());
        Assert.Equal(bytes, read.ToBytes());
        // It goes on counting like the original.
        foreach (var id in SketchData.VisitorIds(500, run: "later"))
        {
            Assert.Equal(sketch.Add(id), read.Add(id));
        }

        Assert.Equal(sketch.ToBytes(), read.ToBytes());
    }

    [Fact]
    public void Few_visitors_take_a_few_bytes_each_and_many_take_one_byte_per_register()
    {
        var quiet = new HyperLogLog();
        var busy = new HyperLogLog();
        foreach (var id in SketchData.VisitorIds(40))
        {
            quiet.Add(id);
        }

        foreach (var id in SketchData.VisitorIds(100_000))
        {
            busy.Add(id);
        }

        // Per register: a gap varint of up to 2 bytes at this density and the value byte.
        Assert.InRange(quiet.ToBytes().Length, 4 + (40 * 2), 4 + (40 * 3));
        Assert.Equal(3 + 16_384, busy.ToBytes().Length);
    }

    [Fact]
    public void The_layout_is_version_precision_encoding_then_registers()
    {
        var sketch = new HyperLogLog(4);
        // Register 0: the first rank bit set, value 1.
        sketch.AddHash(0x0800000000000000UL);
        // Register 15: all 60 rank bits zero, the maximum value 61.
        sketch.AddHash(0xF000000000000000UL);

        // Version 1, precision 4, sparse; 2 entries: gap 0 value 1, gap 14 value 61.
        Assert.Equal(new byte[] { 1, 4, 1, 2, 0, 1, 14, 61 }, sketch.ToBytes());
        Assert.Equal(new byte[] { 1, 4, 1, 0 }, new HyperLogLog(4).ToBytes());
    }

    [Fact]
    public void The_dense_layout_is_one_byte_per_register_in_index_order()
    {
        var sketch = new HyperLogLog(4);
        for (var register = 0UL; register < 16; register++)
        {
            // Rank bits 0…01 followed by zeros, with the first 1 at position register + 1.
            sketch.AddHash((register << 60) | (1UL << (59 - (int)register)));
        }

        var expected = new byte[3 + 16];
        expected[0] = 1;
        expected[1] = 4;
        expected[2] = 0;
        for (var register = 0; register < 16; register++)
        {
            expected[3 + register] = (byte)(register + 1);
        }

        Assert.Equal(expected, sketch.ToBytes());
        Assert.Equal(sketch.Estimate(), HyperLogLog.FromBytes(expected).Estimate());
    }

    [Theory]
    [InlineData(new byte[0], "ends before the version byte")]
    [InlineData(new byte[] { 2, 14, 1, 0 }, "version 2 is not supported")]
    [InlineData(new byte[] { 1 }, "ends before the precision")]
    [InlineData(new byte[] { 1, 3, 1, 0 }, "precision 3 is outside 4..18")]
    [InlineData(new byte[] { 1, 19, 1, 0 }, "precision 19 is outside 4..18")]
    [InlineData(new byte[] { 1, 4 }, "ends before the encoding byte")]
    [InlineData(new byte[] { 1, 4, 2, 0 }, "encoding 2 is neither dense")]
    // Dense with 15 of 16 registers.
    [InlineData(new byte[] { 1, 4, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, "registers needs 16 bytes but only 15 remain")]
    // Dense register 2 above 61, the maximum at precision 4.
    [InlineData(new byte[] { 1, 4, 0, 1, 1, 62, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, "register 2 holds 62, above the maximum 61")]
    // Dense with a byte after the 16 registers.
    [InlineData(new byte[] { 1, 4, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9 }, "1 unexpected bytes follow the end at byte 19")]
    [InlineData(new byte[] { 1, 4, 1 }, "ends inside the register count")]
    [InlineData(new byte[] { 1, 4, 1, 17 }, "register count at byte 3 is 17, above the maximum 16")]
    [InlineData(new byte[] { 1, 4, 1, 2, 0, 1 }, "ends inside the register index gap")]
    [InlineData(new byte[] { 1, 4, 1, 1, 16, 1 }, "register index 16 is beyond the 16 registers")]
    // Gaps accumulate: 5, then 5 + 1 + 10 = 16.
    [InlineData(new byte[] { 1, 4, 1, 2, 5, 1, 10, 1 }, "register index 16 is beyond the 16 registers")]
    [InlineData(new byte[] { 1, 4, 1, 1, 3, 0 }, "sparse register 3 holds 0")]
    [InlineData(new byte[] { 1, 4, 1, 1, 3, 62 }, "register 3 holds 62, above the maximum 61")]
    [InlineData(new byte[] { 1, 4, 1, 1, 3 }, "ends before the register value")]
    [InlineData(new byte[] { 1, 4, 1, 0, 0 }, "1 unexpected bytes follow the end at byte 4")]
    // Overlong varint: 0 written in two bytes.
    [InlineData(new byte[] { 1, 4, 1, 0x80, 0x00 }, "register count at byte 3 is not minimally encoded")]
    [InlineData(new byte[] { 1, 4, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F }, "does not fit in 64 bits")]
    public void Corrupt_bytes_are_rejected_with_the_reason(byte[] bytes, string reason)
    {
        var thrown = Assert.Throws<FormatException>(() => HyperLogLog.FromBytes(bytes));

        Assert.StartsWith("Not a valid HyperLogLog sketch: ", thrown.Message, StringComparison.Ordinal);
        Assert.Contains(reason, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_bytes_read_as_a_sketch_or_fail_with_a_format_exception()
    {
        var valid = Gen.Elements(0, 3, 40, 2_000).Select(count =>
        {
            var sketch = new HyperLogLog(6);
            foreach (var id in SketchData.VisitorIds(count))
            {
                sketch.Add(id);
            }

            return sketch.ToBytes();
        });
        var input = Gen.Frequency(
            // Anything at all.
            (2, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))),
            // Real sketches with one to three bytes changed or the end cut off.
            (5, from bytes in valid
                from flips in Gen.ArrayOf(Gen.Choose(0, int.MaxValue).Two(), 3)
                from cut in Gen.Choose(0, 4)
                select Mutate(bytes, flips, cut)));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Arb.From(input), bytes =>
        {
            HyperLogLog read;
            try
            {
                read = HyperLogLog.FromBytes(bytes);
            }
            catch (FormatException)
            {
                return;
            }

            // Whatever was accepted is a sketch that reads back as itself.
            Assert.Equal(read.ToBytes(), HyperLogLog.FromBytes(read.ToBytes()).ToBytes());
            Assert.True(read.Estimate() >= 0);
        }));
    }

    private static byte[] Mutate(byte[] bytes, (int, int)[] flips, int cut)
    {
        var mutated = bytes[..Math.Max(0, bytes.Length - (cut == 4 ? 1 + (flips[0].Item1 % 8) : 0))];
        foreach (var (at, value) in flips[..(1 + (cut % 3))])
        {
            if (mutated.Length > 0)
            {
                mutated[at % mutated.Length] = (byte)value;
            }
        }

        return mutated;
    }
}
