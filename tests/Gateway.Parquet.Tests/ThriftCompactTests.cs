using FsCheck;
using FsCheck.Fluent;
using Gateway.Parquet.Internal;

namespace Gateway.Parquet.Tests;

public sealed class ThriftCompactTests
{
    [Theory]
    [InlineData(0, 0u)]
    [InlineData(-1, 1u)]
    [InlineData(1, 2u)]
    [InlineData(-2, 3u)]
    [InlineData(24, 48u)] // the golden file's page size 24 is written 0x30
    [InlineData(int.MaxValue, 0xFFFFFFFEu)]
    [InlineData(int.MinValue, 0xFFFFFFFFu)]
    public void Zigzag_maps_small_magnitudes_to_small_numbers_32(int value, uint expected) =>
        Assert.Equal(expected, ThriftCompactWriter.ZigZag(value));

    [Theory]
    [InlineData(0L, 0UL)]
    [InlineData(-1L, 1UL)]
    [InlineData(1L, 2UL)]
    [InlineData(long.MaxValue, 0xFFFFFFFFFFFFFFFEUL)]
    [InlineData(long.MinValue, 0xFFFFFFFFFFFFFFFFUL)]
    public void Zigzag_maps_small_magnitudes_to_small_numbers_64(long value, ulong expected) =>
        Assert.Equal(expected, ThriftCompactWriter.ZigZag(value));

    [Theory]
    [InlineData(24L, "1530")] // one-byte varint
    [InlineData(63L, "157E")] // largest one-byte zigzag value
    [InlineData(64L, "158001")] // 128 needs a continuation byte
    [InlineData(300L, "15D804")] // 600 = 0b100_1011000 -> D8 04
    [InlineData(-1L, "1501")]
    public void I32_fields_are_zigzag_varints_after_a_short_header(long value, string hex) =>
        Assert.Equal(hex, Write((ref w) => w.WriteI32(1, (int)value), endStruct: false));

    [Fact]
    public void I64_extremes_take_ten_varint_bytes()
    {
        Assert.Equal("16FFFFFFFFFFFFFFFFFF01", Write((ref w) => w.WriteI64(1, long.MinValue), endStruct: false));
        Assert.Equal("16FEFFFFFFFFFFFFFFFF01", Write((ref w) => w.WriteI64(1, long.MaxValue), endStruct: false));
    }

    [Fact]
    public void Field_headers_carry_the_id_delta_in_the_high_nibble()
    {
        // ids 1, 2, 5 -> deltas 1, 1, 3; i32 type 5.
        var hex = Write((ref w) =>
        {
            w.WriteI32(1, 0);
            w.WriteI32(2, 0);
            w.WriteI32(5, 0);
        });

        Assert.Equal("1500150035" + "0000", hex);
    }

    [Theory]
    [InlineData((short)17, "0522")] // delta 16 does not fit a nibble: type byte, then zigzag(17) = 34
    [InlineData((short)300, "05D804")] // large ids use the long form too
    public void Field_ids_more_than_15_apart_use_the_long_form(short id, string header) =>
        Assert.Equal(header + "00", Write((ref w) => w.WriteI32(id, 0), endStruct: false));

    [Fact]
    public void A_field_id_lower_than_the_previous_one_uses_the_long_form()
    {
        var hex = Write((ref w) =>
        {
            w.WriteI32(3, 1);
            w.WriteI32(1, 1);
        });

        Assert.Equal("3502" + "050202" + "00", hex);
    }

    [Fact]
    public void Bool_fields_carry_their_value_in_the_type_nibble()
    {
        var hex = Write((ref w) =>
        {
            w.WriteBool(1, true);
            w.WriteBool(2, false);
        });

        Assert.Equal("1112" + "00", hex);
    }

    [Fact]
    public void Nested_structs_restart_field_deltas_and_restore_them_after()
    {
        // The TIMESTAMP logical type of the golden file: {10: {8: {1: true, 2: {1: {}}}}} inside field 6.
        var hex = Write((ref w) =>
        {
            w.WriteI32(6, 9);
            w.BeginStruct(10);
            w.BeginStruct(8);
            w.WriteBool(1, true);
            w.BeginStruct(2);
            w.BeginStruct(1);
            w.EndStruct();
            w.EndStruct();
            w.EndStruct();
            w.EndStruct();
            w.WriteI32(11, 0);
        });

        Assert.Equal("6512" + "4C8C111C1C00000000" + "1500" + "00", hex);
    }

    [Fact]
    public void Lists_of_up_to_14_elements_have_a_one_byte_header()
    {
        var hex = Write((ref w) =>
        {
            w.BeginList(2, ThriftType.I32, 2);
            w.WriteI32Element(0);
            w.WriteI32Element(3);
        });

        Assert.Equal("29" + "25" + "0006" + "00", hex);
    }

    [Fact]
    public void Lists_of_15_or_more_elements_put_the_size_in_a_varint()
    {
        var hex = Write((ref w) =>
        {
            w.BeginList(1, ThriftType.I32, 15);
            for (var i = 0; i < 15; i++)
            {
                w.WriteI32Element(1);
            }
        });

        Assert.Equal("19" + "F50F" + string.Concat(Enumerable.Repeat("02", 15)) + "00", hex);
    }

    [Fact]
    public void Strings_are_a_varint_length_then_utf8_bytes()
    {
        Assert.Equal("1805" + "636C69636B" + "00", Write((ref w) => w.WriteString(1, "click")));
        Assert.Equal("1802" + "C3BC" + "00", Write((ref w) => w.WriteString(1, "ü")));
    }

    [Fact]
    public void Written_fields_read_back_with_the_reader()
    {
        var input =
            from i32 in ArbMap.Default.GeneratorFor<int>()
            from i64 in ArbMap.Default.GeneratorFor<long>()
            from id in Gen.Frequency((3, Gen.Choose(1, 40)), (1, Gen.Choose(1, short.MaxValue)))
            from text in ArbMap.Default.GeneratorFor<string>()
            select (i32, i64, id: (short)id, text: text ?? string.Empty);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(Arb.From(input), c =>
        {
            var (i32, i64, fieldId, text) = c;
            using var buffer = new PooledBuffer<byte>();
            var writer = new ThriftCompactWriter(buffer);
            writer.WriteI32(1, i32);
            writer.WriteI64(2, i64);
            writer.WriteString(fieldId, text);
            writer.WriteBool((short)(fieldId == short.MaxValue ? 1 : fieldId + 1), true);
            writer.EndStruct();

            var reader = new ThriftCompactReader(buffer.Span);
            short last = 0;
            Assert.True(reader.ReadFieldHeader(ref last, out var id1, out var type1) && id1 == 1 && type1 == ThriftType.I32);
            Assert.Equal(i32, reader.ReadI32());
            Assert.True(reader.ReadFieldHeader(ref last, out var id2, out _) && id2 == 2);
            Assert.Equal(i64, reader.ReadI64());
            Assert.True(reader.ReadFieldHeader(ref last, out var id3, out var type3) && id3 == fieldId && type3 == ThriftType.Binary);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text)), reader.ReadString());
            Assert.True(reader.ReadFieldHeader(ref last, out _, out var type4) && type4 == ThriftType.BoolTrue);
            Assert.False(reader.ReadFieldHeader(ref last, out _, out _));
            Assert.Equal(buffer.Length, reader.Position);
        }));
    }

    [Fact]
    public void Any_bytes_as_a_footer_or_page_header_parse_or_fail_with_invalid_data()
    {
        var golden = Convert.FromHexString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "golden-7.9.hex")).Trim());
        var footer = golden.AsSpan(189, 263).ToArray();
        var input = Gen.Frequency(
            (1, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))),
            // The golden footer with a few bytes changed or cut short: mostly valid structure, broken details.
            (3, from flips in Gen.ArrayOf(
                    from position in Gen.Choose(0, footer.Length - 1)
                    from value in Gen.Choose(0, 255)
                    select (position, value), 3)
                from cut in Gen.Choose(1, footer.Length)
                select Mutate(footer, flips, cut)));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), Prop.ForAll(Arb.From(input), bytes =>
        {
            try
            {
                FooterReader.Parse(bytes);
            }
            catch (InvalidDataException)
            {
            }
            catch (NotSupportedException)
            {
                // A schema this reader does not map (group, INT96 …) is refused by name, which is fine too.
            }

            try
            {
                FooterReader.ParsePageHeader(bytes, null, 0, out _);
            }
            catch (InvalidDataException)
            {
            }
        }));
    }

    private static byte[] Mutate(byte[] footer, (int Position, int Value)[] flips, int cut)
    {
        var copy = footer.ToArray();
        foreach (var (position, value) in flips)
        {
            copy[position] = (byte)value;
        }

        return copy[..cut];
    }

    private delegate void WriteAction(ref ThriftCompactWriter writer);

    private static string Write(WriteAction write, bool endStruct = true)
    {
        using var buffer = new PooledBuffer<byte>();
        var writer = new ThriftCompactWriter(buffer);
        write(ref writer);
        if (endStruct)
        {
            writer.EndStruct();
        }

        return Convert.ToHexString(buffer.Span);
    }
}
