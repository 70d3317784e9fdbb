namespace Gateway.Parquet.Internal;

/// <summary>Enum values and field ids of parquet.thrift that the writer and reader share.</summary>
internal static class ParquetFormat
{
    public static ReadOnlySpan<byte> Magic => "PAR1"u8;

    /// <summary>FileMetaData.version; 2 because the files use logical types (readers treat 1 and 2 alike).</summary>
    public const int FileVersion = 2;

    public const string RootName = "schema";

    // Type
    public const int TypeBoolean = 0;
    public const int TypeInt32 = 1;
    public const int TypeInt64 = 2;
    public const int TypeInt96 = 3;
    public const int TypeFloat = 4;
    public const int TypeDouble = 5;
    public const int TypeByteArray = 6;
    public const int TypeFixedLenByteArray = 7;

    // ConvertedType
    public const int ConvertedUtf8 = 0;
    public const int ConvertedDate = 6;
    public const int ConvertedTimestampMillis = 9;

    // FieldRepetitionType
    public const int Required = 0;
    public const int Optional = 1;
    public const int Repeated = 2;

    // Encoding
    public const int EncodingPlain = 0;
    public const int EncodingRle = 3;
    public const int EncodingRleDictionary = 8;

    // PageType
    public const int PageData = 0;
    public const int PageDictionary = 2;

    public static int PhysicalTypeCode(ParquetPhysicalType type) => type switch
    {
        ParquetPhysicalType.Boolean => TypeBoolean,
        ParquetPhysicalType.Int32 => TypeInt32,
        ParquetPhysicalType.Int64 => TypeInt64,
        ParquetPhysicalType.Double => TypeDouble,
        _ => TypeByteArray,
    };

    public static int CodecCode(ParquetCodec codec) => codec switch
    {
        ParquetCodec.Snappy => 1,
        ParquetCodec.Gzip => 2,
        _ => 0,
    };
}
