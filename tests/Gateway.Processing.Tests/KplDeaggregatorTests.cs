using System.Text;
using Gateway.Processing.Tests.Support;
using static Gateway.Processing.Tests.Support.KplBytes;

namespace Gateway.Processing.Tests;

public sealed class KplDeaggregatorTests
{
    private static readonly byte[] ValidBody = [.. Text(1, "pk"), .. Text(2, "42"), .. Record(0, 0, "one"), .. Record(0, null, "two")];

    [Fact]
    public void Bad_md5_is_passed_through_as_one_plain_record()
    {
        var blob = Wrap(ValidBody);
        blob[^1] ^= 0x01;

        AssertPlain(blob, NotAggregatedReason.ChecksumMismatch);
    }

    [Fact]
    public void Data_without_the_magic_is_one_plain_record_with_the_outer_keys()
    {
        var data = Encoding.UTF8.GetBytes("just a log line");

        var (result, records) = Capture.Deaggregate(data, "outer", "77");

        Assert.Equal(new DeaggregationResult(false, 1, NotAggregatedReason.NoMagic, -1), result);
        var record = Assert.Single(records);
        Assert.Equal(("outer", "77", 0, false), (record.PartitionKey, record.ExplicitHashKey, record.SubSequenceNumber, record.IsAggregated));
        Assert.Equal(data, record.Data);
    }

    [Theory]
    // Empty, shorter than the magic, and a magic that differs in its last byte.
    [InlineData("")]
    [InlineData("F3899A")]
    [InlineData("F3899AC3000000000000000000000000000000000000")]
    public void Anything_but_the_exact_magic_is_plain(string hex) => AssertPlain(Convert.FromHexString(hex), NotAggregatedReason.NoMagic);

    [Theory]
    // Magic plus 0, 1 and 16 bytes: no room for a body before the 16-byte MD5 (the KCL checks "remaining <= 16").
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    public void Twenty_bytes_or_fewer_after_a_magic_are_plain(int extra) =>
        AssertPlain([.. Magic, .. new byte[extra]], NotAggregatedReason.TooShort);

    [Fact]
    public void Twenty_one_bytes_with_a_valid_md5_are_parsed()
    {
        // One body byte: a varint field 0 tag is malformed, so it must fail in the parser, not the length check.
        AssertPlain(Wrap([0x00]), NotAggregatedReason.MalformedProtobuf);
    }

    [Fact]
    public void Truncated_protobuf_is_plain_and_the_error_offset_points_at_the_broken_field()
    {
        byte[] body = [.. Text(1, "pk"), 0x1A, 0x10, 0x08];

        var (result, _) = AssertPlain(Wrap(body), NotAggregatedReason.MalformedProtobuf);

        // The records field starts after the magic (4) and the 4-byte table entry.
        Assert.Equal(8, result.ErrorOffset);
    }

    [Fact]
    public void Partition_key_index_past_the_table_is_plain() =>
        AssertPlain(Wrap(Text(1, "pk"), Record(1, null, "x")), NotAggregatedReason.KeyIndexOutOfRange);

    [Fact]
    public void Explicit_hash_key_index_past_the_table_is_plain() =>
        AssertPlain(Wrap(Text(1, "pk"), Text(2, "42"), Record(0, 1, "x")), NotAggregatedReason.KeyIndexOutOfRange);

    [Fact]
    public void Huge_key_index_is_plain_rather_than_wrapping_to_a_valid_one()
    {
        // The KCL casts the index to int, so 2^32 would read entry 0; here it is out of range.
        AssertPlain(Wrap(Text(1, "pk"), Record(1UL << 32, null, "x")), NotAggregatedReason.KeyIndexOutOfRange);
    }

    [Theory]
    // partition_key_index and data are proto2 "required".
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Sub_record_without_a_required_field_is_plain(bool withIndex, bool withData)
    {
        var fields = (withIndex ? VarintField(1, 0) : []).Concat(withData ? Text(3, "x") : []).ToArray();

        AssertPlain(Wrap(Text(1, "pk"), LengthDelimited(3, fields)), NotAggregatedReason.MissingRequiredField);
    }

    [Fact]
    public void Fields_in_any_order_and_unknown_fields_of_every_wire_type_are_accepted()
    {
        byte[] body =
        [
            .. Record(1, 0, "first"),
            .. VarintField(9, 300),                                  // unknown varint
            .. Tag(10, 1), .. new byte[8],                            // unknown fixed64
            .. Tag(11, 5), .. new byte[4],                            // unknown fixed32
            .. Text(12, "ignored"),                                   // unknown length-delimited
            .. Tag(13, 3), .. VarintField(1, 5), .. Tag(13, 4),       // unknown group
            .. Text(2, "42"),
            .. Text(1, "zero"),
            .. LengthDelimited(3, Text(3, "second"), VarintField(7, 1), VarintField(1, 0)),
            .. Text(1, "one"),
            .. VarintField(1, 5),                                     // known number, wrong wire type: unknown
        ];

        var (result, records) = Capture.Deaggregate(Wrap(body));

        Assert.True(result.IsAggregated, result.ToString());
        Assert.Equal(
            [("one", "42", "first", 0), ("zero", null, "second", 1)],
            records.Select(r => (r.PartitionKey, r.ExplicitHashKey, Encoding.UTF8.GetString(r.Data), r.SubSequenceNumber)));
    }

    [Fact]
    public void Tags_on_a_sub_record_are_skipped()
    {
        var tag = LengthDelimited(4, Text(1, "key"), Text(2, "value"));

        var (result, records) = Capture.Deaggregate(Wrap(Text(1, "pk"), LengthDelimited(3, VarintField(1, 0), tag, Text(3, "x"), tag)));

        Assert.True(result.IsAggregated);
        Assert.Equal("x", Encoding.UTF8.GetString(Assert.Single(records).Data));
    }

    [Fact]
    public void Tag_without_its_required_key_is_plain_as_protobuf_java_rejects_it() =>
        AssertPlain(Wrap(Text(1, "pk"), LengthDelimited(3, VarintField(1, 0), Text(3, "x"), LengthDelimited(4, Text(2, "value")))), NotAggregatedReason.MalformedProtobuf);

    [Theory]
    // A stray end-group, a group closed with the wrong number, an unterminated group, and wire types 6 and 7.
    [InlineData("0C")]
    [InlineData("0B14")]
    [InlineData("5B")]
    [InlineData("0E")]
    [InlineData("0F")]
    public void Malformed_wire_types_and_groups_are_plain(string hex) =>
        AssertPlain(Wrap(Text(1, "pk"), Convert.FromHexString(hex)), NotAggregatedReason.MalformedProtobuf);

    [Fact]
    public void Varint_longer_than_ten_bytes_is_plain() =>
        AssertPlain(Wrap(Text(1, "pk"), [0x08, .. Enumerable.Repeat((byte)0xFF, 10), 0x01]), NotAggregatedReason.MalformedProtobuf);

    [Fact]
    public void Sub_record_without_an_explicit_hash_key_index_does_not_inherit_one()
    {
        // Not the outer key and not table entry 0 (which is what aws-kinesis-agg reports): none.
        var (_, records) = Capture.Deaggregate(Wrap(ValidBody), "outer", "99");

        Assert.Equal([("pk", "42"), ("pk", (string?)null)], records.Select(r => (r.PartitionKey, r.ExplicitHashKey)));
    }

    [Fact]
    public void Later_value_of_a_non_repeated_field_wins()
    {
        var record = LengthDelimited(3, VarintField(1, 1), Text(3, "old"), VarintField(1, 0), Text(3, "new"));

        var (_, records) = Capture.Deaggregate(Wrap(Text(1, "zero"), Text(1, "one"), record));

        Assert.Equal(("zero", "new"), (records[0].PartitionKey, Encoding.UTF8.GetString(records[0].Data)));
    }

    [Fact]
    public void Aggregate_with_no_records_yields_nothing_as_the_kcl_does()
    {
        var (result, records) = Capture.Deaggregate(Wrap(Text(1, "pk")));

        Assert.Equal(new DeaggregationResult(true, 0, NotAggregatedReason.None, -1), result);
        Assert.Empty(records);
    }

    [Fact]
    public void Invalid_utf8_in_a_key_is_decoded_with_replacement_characters()
    {
        var (_, records) = Capture.Deaggregate(Wrap(LengthDelimited(1, [0x61, 0xFF, 0x62]), Record(0, null, "x")));

        Assert.Equal("a\uFFFDb", Assert.Single(records).PartitionKey);
    }

    [Fact]
    public void Empty_data_and_empty_partition_key_entries_come_back_as_they_are()
    {
        var (result, records) = Capture.Deaggregate(Wrap(Text(1, ""), LengthDelimited(3, VarintField(1, 0), LengthDelimited(3))));

        Assert.True(result.IsAggregated);
        var record = Assert.Single(records);
        Assert.Equal(("", 0), (record.PartitionKey, record.Data.Length));
    }

    [Fact]
    public void Inspect_agrees_with_deaggregate_without_emitting()
    {
        var blob = Wrap(ValidBody);

        Assert.Equal(new DeaggregationResult(true, 2, NotAggregatedReason.None, -1), KplDeaggregator.Inspect(blob));
        Assert.Equal(Capture.Deaggregate(blob).Result, KplDeaggregator.Inspect(blob));
    }

    private static (DeaggregationResult Result, List<UserRecordCopy> Records) AssertPlain(byte[] data, NotAggregatedReason reason)
    {
        var (result, records) = Capture.Deaggregate(data, "outer", "5");

        Assert.False(result.IsAggregated);
        Assert.Equal(reason, result.Reason);
        Assert.Equal(1, result.RecordCount);
        var record = Assert.Single(records);
        Assert.Equal(("outer", "5", 0, false), (record.PartitionKey, record.ExplicitHashKey, record.SubSequenceNumber, record.IsAggregated));
        Assert.Equal(data, record.Data);
        return (result, records);
    }
}
