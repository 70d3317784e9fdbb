using System.Buffers.Binary;
using System.Text;

namespace Gateway.Streams.Internal;

/// <summary>Outcome of decoding one record; every input maps to one of these, decoding never throws.</summary>
internal enum DecodeStatus
{
    Ok,

    /// <summary>The bytes end before the record does: a torn tail, or a record still being written.</summary>
    Incomplete,
    BadMagic,
    BadLength,
    BadPartitionKeyLength,
    BadSequenceNumber,
    BadChecksum,
}

/// <summary>Header fields of a decoded record; the partition key and data follow the header inside <see cref="TotalLength"/> bytes.</summary>
internal readonly record struct DecodedRecord(long SequenceNumber, long ArrivalUnixMs, int PartitionKeyLength, int DataLength)
{
    public int TotalLength => RecordCodec.HeaderSize + PartitionKeyLength + DataLength;

    public int PartitionKeyOffset => RecordCodec.HeaderSize;

    public int DataOffset => RecordCodec.HeaderSize + PartitionKeyLength;
}

/// <summary>On-disk record framing (little-endian):</summary>
/// <remarks>
/// <code>
/// 0   magic/version  1 byte  (0xB1: format 1)
/// 1   body length    4 bytes (partition key + data)
/// 5   CRC-32C        4 bytes over bytes 0..4 and 9..end (every other header field and the body)
/// 9   sequence no.   8 bytes
/// 17  arrival time   8 bytes (unix ms)
/// 25  key length     2 bytes
/// 27  partition key (UTF-8), then data
/// </code>
/// The length sits before the checksum so a reader knows how much to checksum; it is itself
/// checksummed and bounded, so a torn or garbage length is rejected instead of trusted.
/// </remarks>
internal static class RecordCodec
{
    public const byte Magic = 0xB1;
    public const int HeaderSize = 27;

    private const int LengthOffset = 1;
    private const int ChecksumOffset = 5;
    private const int SequenceOffset = 9;
    private const int ArrivalOffset = 17;
    private const int KeyLengthOffset = 25;

    public static int EncodedLength(int partitionKeyBytes, int dataLength) => HeaderSize + partitionKeyBytes + dataLength;

    /// <summary>Encodes a record into <paramref name="destination"/>, which must hold <see cref="EncodedLength"/> bytes; returns the bytes written.</summary>
    public static int Encode(Span<byte> destination, long sequenceNumber, long arrivalUnixMs, string partitionKey, ReadOnlySpan<byte> data)
    {
        var keyLength = Encoding.UTF8.GetBytes(partitionKey, destination[HeaderSize..]);
        data.CopyTo(destination[(HeaderSize + keyLength)..]);
        var bodyLength = keyLength + data.Length;
        var total = HeaderSize + bodyLength;

        destination[0] = Magic;
        BinaryPrimitives.WriteInt32LittleEndian(destination[LengthOffset..], bodyLength);
        BinaryPrimitives.WriteInt64LittleEndian(destination[SequenceOffset..], sequenceNumber);
        BinaryPrimitives.WriteInt64LittleEndian(destination[ArrivalOffset..], arrivalUnixMs);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[KeyLengthOffset..], (ushort)keyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[ChecksumOffset..], Checksum(destination[..total]));
        return total;
    }

    /// <summary>Decodes the record at the start of <paramref name="source"/>.</summary>
    /// <param name="source">Bytes starting at a record boundary.</param>
    /// <param name="record">The header when <see cref="DecodeStatus.Ok"/>. When <see cref="DecodeStatus.Incomplete"/>,
    /// <see cref="DecodedRecord.TotalLength"/> is the number of bytes needed to decide (at least the header).</param>
    public static DecodeStatus TryDecode(ReadOnlySpan<byte> source, out DecodedRecord record)
    {
        record = default;
        if (source.IsEmpty)
        {
            return DecodeStatus.Incomplete;
        }

        if (source[0] != Magic)
        {
            return DecodeStatus.BadMagic;
        }

        if (source.Length < HeaderSize)
        {
            return DecodeStatus.Incomplete;
        }

        var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(source[LengthOffset..]);
        if (bodyLength is < 1 or > RecordLimits.MaxRecordBytes)
        {
            return DecodeStatus.BadLength;
        }

        var keyLength = (int)BinaryPrimitives.ReadUInt16LittleEndian(source[KeyLengthOffset..]);
        if (keyLength is < 1 or > RecordLimits.MaxPartitionKeyBytes || keyLength > bodyLength)
        {
            return DecodeStatus.BadPartitionKeyLength;
        }

        var sequenceNumber = BinaryPrimitives.ReadInt64LittleEndian(source[SequenceOffset..]);
        if (sequenceNumber < 1)
        {
            return DecodeStatus.BadSequenceNumber;
        }

        var candidate = new DecodedRecord(sequenceNumber, BinaryPrimitives.ReadInt64LittleEndian(source[ArrivalOffset..]), keyLength, bodyLength - keyLength);
        if (source.Length < candidate.TotalLength)
        {
            record = candidate;
            return DecodeStatus.Incomplete;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(source[ChecksumOffset..]) != Checksum(source[..candidate.TotalLength]))
        {
            return DecodeStatus.BadChecksum;
        }

        record = candidate;
        return DecodeStatus.Ok;
    }

    /// <summary>Reads only the arrival time of a record whose header is at the start of <paramref name="header"/>.</summary>
    public static bool TryReadArrival(ReadOnlySpan<byte> header, out long arrivalUnixMs)
    {
        arrivalUnixMs = 0;
        if (header.Length < HeaderSize || header[0] != Magic)
        {
            return false;
        }

        arrivalUnixMs = BinaryPrimitives.ReadInt64LittleEndian(header[ArrivalOffset..]);
        return true;
    }

    public static string DescribeFailure(DecodeStatus status) => status switch
    {
        DecodeStatus.Incomplete => "the file ends inside the record",
        DecodeStatus.BadMagic => "unknown magic/version byte",
        DecodeStatus.BadLength => "record length out of bounds",
        DecodeStatus.BadPartitionKeyLength => "partition-key length out of bounds",
        DecodeStatus.BadSequenceNumber => "sequence number is not positive",
        DecodeStatus.BadChecksum => "CRC-32C mismatch",
        _ => status.ToString(),
    };

    private static uint Checksum(ReadOnlySpan<byte> record) =>
        Crc32C.Append(Crc32C.Compute(record[..ChecksumOffset]), record[SequenceOffset..]);
}
