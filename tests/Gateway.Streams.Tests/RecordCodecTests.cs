using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Streams.Internal;

namespace Gateway.Streams.Tests;

public sealed class RecordCodecTests
{
    [Fact]
    public void Encoded_record_decodes_to_the_same_fields()
    {
        Prop.ForAll<NonEmptyString, byte[], long>((key, data, number) =>
        {
            var partitionKey = Key(key);
            var sequenceNumber = Sequence(number);
            var encoded = Encode(partitionKey, data, sequenceNumber, arrival: number);

            var status = RecordCodec.TryDecode(encoded, out var record);

            return status == DecodeStatus.Ok
                && record.TotalLength == encoded.Length
                && record.SequenceNumber == sequenceNumber
                && record.ArrivalUnixMs == number
                && Encoding.UTF8.GetString(encoded, record.PartitionKeyOffset, record.PartitionKeyLength) == Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(partitionKey))
                && encoded.AsSpan(record.DataOffset, record.DataLength).SequenceEqual(data);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Arbitrary_bytes_decode_or_yield_a_typed_status_and_never_throw()
    {
        Prop.ForAll<byte[], bool>((bytes, startWithMagic) =>
        {
            if (startWithMagic && bytes.Length > 0)
            {
                // Random bytes rarely start with the magic byte; this makes the decoder look at the header fields too.
                bytes[0] = RecordCodec.Magic;
            }

            var status = RecordCodec.TryDecode(bytes, out var record);
            return Enum.IsDefined(status) && (status != DecodeStatus.Ok || record.TotalLength <= bytes.Length);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Valid_records_with_random_bytes_overwritten_never_throw()
    {
        Prop.ForAll<NonEmptyString, byte[], int[]>((key, data, edits) =>
        {
            var encoded = Encode(Key(key), data, 7, 0);
            foreach (var edit in edits)
            {
                encoded[(edit & int.MaxValue) % encoded.Length] = (byte)(edit >> 8);
            }

            var status = RecordCodec.TryDecode(encoded, out _);
            return Enum.IsDefined(status);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_record_with_one_byte_changed_is_never_decoded_as_valid()
    {
        Prop.ForAll<NonEmptyString, byte[], int>((key, data, edit) =>
        {
            var encoded = Encode(Key(key), data, 42, 1_700_000_000_000);
            var flip = (byte)(edit >>> 24);
            encoded[(edit & 0xFFFFFF) % encoded.Length] ^= flip == 0 ? (byte)1 : flip;

            return RecordCodec.TryDecode(encoded, out _) != DecodeStatus.Ok;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Every_proper_prefix_of_a_record_is_incomplete()
    {
        Prop.ForAll<NonEmptyString, byte[]>((key, data) =>
        {
            var encoded = Encode(Key(key), data, 3, 5);
            for (var length = 0; length < encoded.Length; length++)
            {
                if (RecordCodec.TryDecode(encoded.AsSpan(0, length), out _) != DecodeStatus.Incomplete)
                {
                    return false;
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    // Each case breaks one header field of an otherwise valid record.
    [InlineData(0, 0x00, nameof(DecodeStatus.BadMagic))]
    [InlineData(4, 0x7F, nameof(DecodeStatus.BadLength))] // body length's top byte: far beyond 1 MiB
    [InlineData(26, 0x7F, nameof(DecodeStatus.BadPartitionKeyLength))] // key length's high byte: longer than the body
    [InlineData(16, 0x80, nameof(DecodeStatus.BadSequenceNumber))] // sequence number's sign bit
    [InlineData(30, 0x55, nameof(DecodeStatus.BadChecksum))] // a data byte
    public void Broken_header_fields_are_reported_by_name(int offset, byte value, string expected)
    {
        var encoded = Encode("key", new byte[16], 9, 0);
        encoded[offset] = value;

        Assert.Equal(expected, RecordCodec.TryDecode(encoded, out _).ToString());
    }

    private static string Key(NonEmptyString key) => key.Get.Length > 256 ? key.Get[..256] : key.Get;

    private static long Sequence(long number) => (number & long.MaxValue) % (long.MaxValue - 1) + 1;

    private static byte[] Encode(string partitionKey, byte[] data, long sequenceNumber, long arrival)
    {
        var buffer = new byte[RecordCodec.EncodedLength(Encoding.UTF8.GetByteCount(partitionKey), data.Length)];
        var written = RecordCodec.Encode(buffer, sequenceNumber, arrival, partitionKey, data);
        Assert.Equal(buffer.Length, written);
        return buffer;
    }
}
