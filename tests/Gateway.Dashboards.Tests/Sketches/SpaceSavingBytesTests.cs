using FsCheck;
using FsCheck.Fluent;
using Gateway.Dashboards.Sketches;

namespace Gateway.Dashboards.Tests.Sketches;

public sealed class SpaceSavingBytesTests
{
    [Fact]
    public void A_full_sketch_reads_back_identical()
    {
        var sketch = new SpaceSaving(100);
        foreach (var page in SketchData.Zipf(50_000, 5_000, 1.1, seed: 9))
        {
            sketch.Add(page);
        }

        var read = SpaceSaving.FromBytes(sketch.ToBytes());

        Assert.Equal(100, read.Capacity);
        Assert.Equal(100, read.Count);
        Assert.Equal(sketch.TotalCount, read.TotalCount);
        Assert.Equal(sketch.Top(100), read.Top(100));
        Assert.Equal(sketch.ToBytes(), read.ToBytes());
    }

    [Fact]
    public void The_layout_is_version_capacity_total_entries_then_item_count_error()
    {
        var sketch = new SpaceSaving(3);
        sketch.Add("a", 2);
        sketch.Add("é");

        byte[] expected =
        [
            1, // version
            3, // capacity
            3, // total count
            2, // entries, highest count first
            1, (byte)'a', 2, 0, // UTF-8 length, item, count, error
            2, 0xC3, 0xA9, 1, 0,
        ];
        Assert.Equal(expected, sketch.ToBytes());
        Assert.Equal([1, 1, 0, 0], new SpaceSaving(1).ToBytes());
    }

    [Fact]
    public void Counts_and_errors_past_127_take_multi_byte_varints()
    {
        var sketch = new SpaceSaving(1);
        sketch.Add("a", 200);
        sketch.Add("b", 300);

        // b took over a's counter: count 500, error 200.
        Assert.Equal(new byte[] { 1, 1, 0xF4, 0x03, 1, 1, (byte)'b', 0xF4, 0x03, 0xC8, 0x01 }, sketch.ToBytes());
        Assert.Equal([new SpaceSavingEntry("b", 500, 200)], SpaceSaving.FromBytes(sketch.ToBytes()).Top(1));
    }

    [Theory]
    [InlineData(new byte[0], "ends before the version byte")]
    [InlineData(new byte[] { 2, 3, 0, 0 }, "version 2 is not supported")]
    [InlineData(new byte[] { 1, 0, 0, 0 }, "the capacity is 0")]
    // 65 537 = 0x10001.
    [InlineData(new byte[] { 1, 0x81, 0x80, 0x04, 0, 0 }, "capacity at byte 1 is 65537, above the maximum 65536")]
    // 2^63 as a varint.
    [InlineData(new byte[] { 1, 3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0 }, "total count at byte 2 is 9223372036854775808")]
    [InlineData(new byte[] { 1, 3, 0, 4 }, "entry count at byte 3 is 4, above the maximum 3")]
    [InlineData(new byte[] { 1, 3, 5, 1 }, "ends inside the item length")]
    // 769 bytes: more than 256 UTF-16 units can take.
    [InlineData(new byte[] { 1, 3, 5, 1, 0x81, 0x06 }, "item length at byte 4 is 769, above the maximum 768")]
    [InlineData(new byte[] { 1, 3, 5, 1, 3, (byte)'a' }, "item needs 3 bytes but only 1 remain")]
    // A lone continuation byte.
    [InlineData(new byte[] { 1, 3, 1, 1, 1, 0x80, 1, 0 }, "the item at byte 4 is not valid UTF-8")]
    // An encoded surrogate (CESU-style), which strict UTF-8 refuses.
    [InlineData(new byte[] { 1, 3, 1, 1, 3, 0xED, 0xA0, 0x80, 1, 0 }, "not valid UTF-8")]
    [InlineData(new byte[] { 1, 2, 3, 2, 1, (byte)'a', 2, 0, 1, (byte)'a', 1, 0 }, "the item \"a\" appears twice")]
    [InlineData(new byte[] { 1, 3, 0, 1, 1, (byte)'a', 0, 0 }, "the item \"a\" has count 0")]
    [InlineData(new byte[] { 1, 1, 9, 1, 1, (byte)'a', 4, 4 }, "has error 4, not below its count 4")]
    [InlineData(new byte[] { 1, 1, 3, 1, 1, (byte)'a', 4, 0 }, "the counts add up to more than the total count 3")]
    // Two entries in three counters: the sketch never evicted, so errors must be 0 and counts must add up to the total.
    [InlineData(new byte[] { 1, 3, 9, 2, 1, (byte)'a', 4, 1, 1, (byte)'b', 5, 0 }, "has error 1 although the sketch is not full")]
    [InlineData(new byte[] { 1, 3, 10, 2, 1, (byte)'a', 4, 0, 1, (byte)'b', 5, 0 }, "counts add up to 9, not the total count 10")]
    [InlineData(new byte[] { 1, 1, 4, 1, 1, (byte)'a', 4, 0, 7 }, "1 unexpected bytes follow the end at byte 8")]
    [InlineData(new byte[] { 1, 1, 4, 1, 1, (byte)'a', 4 }, "ends inside the error")]
    public void Corrupt_bytes_are_rejected_with_the_reason(byte[] bytes, string reason)
    {
        var thrown = Assert.Throws<FormatException>(() => SpaceSaving.FromBytes(bytes));

        Assert.StartsWith("Not a valid space-saving sketch: ", thrown.Message, StringComparison.Ordinal);
        Assert.Contains(reason, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_item_of_more_than_256_chars_is_rejected()
    {
        var item = new string('x', SpaceSaving.MaxItemLength + 1);
        byte[] bytes = [1, 1, 1, 1, 0x81, 0x02, .. item.Select(c => (byte)c), 1, 0];

        var thrown = Assert.Throws<FormatException>(() => SpaceSaving.FromBytes(bytes));
        Assert.Contains("has 257 chars, over the 256 limit", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_bytes_read_as_a_sketch_or_fail_with_a_format_exception()
    {
        var valid = Gen.Elements(0, 5, 300).Select(length =>
        {
            var sketch = new SpaceSaving(8);
            foreach (var page in SketchData.Zipf(length, 50, 1.0, seed: length))
            {
                sketch.Add(page);
            }

            return sketch.ToBytes();
        });
        var input = Gen.Frequency(
            // Anything at all.
            (2, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))),
            // Real sketches with a few bytes changed.
            (5, from bytes in valid
                from flips in Gen.ArrayOf(Gen.Choose(0, int.MaxValue).Two(), 3)
                from changes in Gen.Choose(1, 3)
                select Mutate(bytes, flips[..changes])));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Arb.From(input), bytes =>
        {
            SpaceSaving read;
            try
            {
                read = SpaceSaving.FromBytes(bytes);
            }
            catch (FormatException)
            {
                return;
            }

            // Whatever was accepted keeps working: it reads back as itself and takes more items.
            Assert.Equal(read.ToBytes(), SpaceSaving.FromBytes(read.ToBytes()).ToBytes());
            if (read.TotalCount < long.MaxValue)
            {
                read.Add("/new");
                Assert.True(read.Count <= read.Capacity);
            }
        }));
    }

    private static byte[] Mutate(byte[] bytes, (int At, int Value)[] flips)
    {
        var mutated = bytes.ToArray();
        foreach (var (at, value) in flips)
        {
            mutated[at % mutated.Length] = (byte)value;
        }

        return mutated;
    }
}
