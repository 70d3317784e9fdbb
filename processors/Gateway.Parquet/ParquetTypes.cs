namespace Gateway.Parquet;

/// <summary>The physical (storage) types the writer supports.</summary>
public enum ParquetPhysicalType
{
    /// <summary>BOOLEAN, bit-packed.</summary>
    Boolean,

    /// <summary>INT32, 4 bytes little-endian.</summary>
    Int32,

    /// <summary>INT64, 8 bytes little-endian.</summary>
    Int64,

    /// <summary>DOUBLE, IEEE 754 little-endian.</summary>
    Double,

    /// <summary>BYTE_ARRAY, length-prefixed bytes.</summary>
    ByteArray,
}

/// <summary>Logical annotations; each fits one physical type.</summary>
public enum ParquetLogicalType
{
    /// <summary>No annotation.</summary>
    None,

    /// <summary>UTF-8 text on BYTE_ARRAY (converted type UTF8).</summary>
    String,

    /// <summary>Epoch milliseconds, UTC, on INT64 (converted type TIMESTAMP_MILLIS).</summary>
    TimestampMillis,

    /// <summary>Days since 1970-01-01 on INT32 (converted type DATE).</summary>
    Date,
}

/// <summary>Page compression codecs.</summary>
public enum ParquetCodec
{
    /// <summary>Pages stored as they are.</summary>
    Uncompressed,

    /// <summary>Raw Snappy blocks (no framing).</summary>
    Snappy,

    /// <summary>RFC 1952 gzip, one member per page.</summary>
    Gzip,
}

/// <summary>Parquet value and level encodings (parquet.thrift Encoding), as listed in column chunk metadata.</summary>
public enum ParquetEncoding
{
    /// <summary>PLAIN.</summary>
    Plain = 0,

    /// <summary>PLAIN_DICTIONARY (deprecated spelling of dictionary encoding).</summary>
    PlainDictionary = 2,

    /// <summary>RLE / bit-packed hybrid.</summary>
    Rle = 3,

    /// <summary>BIT_PACKED (deprecated).</summary>
    BitPacked = 4,

    /// <summary>DELTA_BINARY_PACKED.</summary>
    DeltaBinaryPacked = 5,

    /// <summary>DELTA_LENGTH_BYTE_ARRAY.</summary>
    DeltaLengthByteArray = 6,

    /// <summary>DELTA_BYTE_ARRAY.</summary>
    DeltaByteArray = 7,

    /// <summary>RLE_DICTIONARY.</summary>
    RleDictionary = 8,

    /// <summary>BYTE_STREAM_SPLIT.</summary>
    ByteStreamSplit = 9,
}

/// <summary>Page kinds (parquet.thrift PageType).</summary>
public enum ParquetPageType
{
    /// <summary>DATA_PAGE (v1).</summary>
    DataPage = 0,

    /// <summary>INDEX_PAGE.</summary>
    IndexPage = 1,

    /// <summary>DICTIONARY_PAGE.</summary>
    DictionaryPage = 2,

    /// <summary>DATA_PAGE_V2.</summary>
    DataPageV2 = 3,
}
