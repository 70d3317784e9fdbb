namespace Gateway.Processing.Internal;

/// <summary>Constants and varint arithmetic of the KPL aggregated-record layout (magic, protobuf, MD5 trailer).</summary>
internal static class KplWire
{
    public const int MagicLength = 4;
    public const int DigestLength = 16;

    /// <summary>Magic plus MD5 trailer: what an aggregated record adds around its protobuf body.</summary>
    public const int FixedOverhead = MagicLength + DigestLength;

    // AggregatedRecord: 1 partition_key_table, 2 explicit_hash_key_table, 3 records (all length-delimited).
    public const byte PartitionKeyTableTag = 0x0A;
    public const byte ExplicitHashKeyTableTag = 0x12;
    public const byte RecordsTag = 0x1A;

    // Record: 1 partition_key_index (varint), 2 explicit_hash_key_index (varint), 3 data (length-delimited).
    public const byte PartitionKeyIndexTag = 0x08;
    public const byte ExplicitHashKeyIndexTag = 0x10;
    public const byte DataTag = 0x1A;

    public const int WireVarint = 0;
    public const int WireFixed64 = 1;
    public const int WireLengthDelimited = 2;
    public const int WireStartGroup = 3;
    public const int WireEndGroup = 4;
    public const int WireFixed32 = 5;

    /// <summary>The KPL's <c>kMagic</c>; a blob that does not start with it is a plain record.</summary>
    public static ReadOnlySpan<byte> Magic => [0xF3, 0x89, 0x9A, 0xC2];

    public static int VarintSize(ulong value) => Varint.Size(value);

    /// <summary>Bytes a length-delimited field with a one-byte tag takes: tag, length varint, payload.</summary>
    public static int LengthDelimitedSize(int payloadLength) => 1 + VarintSize((uint)payloadLength) + payloadLength;

    public static int WriteVarint(Span<byte> destination, ulong value) => Varint.Write(destination, value);
}
