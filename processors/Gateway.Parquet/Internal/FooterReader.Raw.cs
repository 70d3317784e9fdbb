using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Gateway.Parquet.Internal;

/// <summary>Parsed structs before they become the public records.</summary>
internal static partial class FooterReader
{
    private sealed class RawSchemaElement
    {
        public int Type { get; set; } = -1;

        public int Repetition { get; set; }

        public string Name { get; set; } = string.Empty;

        public int NumChildren { get; set; }

        public int? ConvertedType { get; set; }

        public ParquetLogicalType? Logical { get; set; }

        public ParquetColumn ToColumn()
        {
            var type = PhysicalType(Type)
                ?? throw new NotSupportedException($"Column '{Name}' has physical {TypeName(Type)}, which this reader does not map to a ParquetPhysicalType.");
            if (Repetition == ParquetFormat.Repeated)
            {
                throw new NotSupportedException($"Column '{Name}' is REPEATED; this reader handles flat schemas only.");
            }

            var logical = Logical ?? ConvertedType switch
            {
                ParquetFormat.ConvertedUtf8 => ParquetLogicalType.String,
                ParquetFormat.ConvertedDate => ParquetLogicalType.Date,
                ParquetFormat.ConvertedTimestampMillis => ParquetLogicalType.TimestampMillis,
                _ => ParquetLogicalType.None,
            };
            var fits = logical switch
            {
                ParquetLogicalType.String => type == ParquetPhysicalType.ByteArray,
                ParquetLogicalType.Date => type == ParquetPhysicalType.Int32,
                ParquetLogicalType.TimestampMillis => type == ParquetPhysicalType.Int64,
                _ => true,
            };
            return ParquetColumn.FromFile(Name, type, fits ? logical : ParquetLogicalType.None, Repetition == ParquetFormat.Optional);
        }
    }

    private sealed class RawRowGroup
    {
        public List<RawChunk> Chunks { get; } = [];

        public long TotalByteSize { get; set; }

        public long NumRows { get; set; }
    }

    private sealed class RawChunk
    {
        public int Type { get; set; } = -1;

        public List<ParquetEncoding> Encodings { get; } = [];

        public string Path { get; set; } = string.Empty;

        public int Codec { get; set; }

        public long NumValues { get; set; }

        public long TotalUncompressedSize { get; set; }

        public long TotalCompressedSize { get; set; }

        public long DataPageOffset { get; set; }

        public long? DictionaryPageOffset { get; set; }

        public RawStatistics? Statistics { get; set; }

        public ParquetColumnChunkInfo ToInfo(ParquetColumn? column) => new()
        {
            Path = Path,
            Type = PhysicalType(Type)
                ?? throw new NotSupportedException($"Column chunk '{Path}' has physical {TypeName(Type)}, which this reader does not map to a ParquetPhysicalType."),
            Codec = Codec switch
            {
                0 => ParquetCodec.Uncompressed,
                1 => ParquetCodec.Snappy,
                2 => ParquetCodec.Gzip,
                _ => null,
            },
            CodecCode = Codec,
            Encodings = Encodings,
            NumValues = NumValues,
            TotalUncompressedSize = TotalUncompressedSize,
            TotalCompressedSize = TotalCompressedSize,
            DataPageOffset = DataPageOffset,
            DictionaryPageOffset = DictionaryPageOffset,
            Statistics = Statistics?.ToInfo(column),
        };
    }

    private sealed class RawStatistics
    {
        public long? NullCount { get; set; }

        public long? DistinctCount { get; set; }

        public long? NanCount { get; set; }

        public byte[]? MinValue { get; set; }

        public byte[]? MaxValue { get; set; }

        public byte[]? DeprecatedMin { get; set; }

        public byte[]? DeprecatedMax { get; set; }

        public ParquetStatistics ToInfo(ParquetColumn? column) => new()
        {
            NullCount = NullCount,
            DistinctCount = DistinctCount,
            NanCount = NanCount,
            MinValue = MinValue,
            MaxValue = MaxValue,
            DeprecatedMin = DeprecatedMin,
            DeprecatedMax = DeprecatedMax,
            Min = Decode(MinValue, column),
            Max = Decode(MaxValue, column),
        };

        private static object? Decode(byte[]? bytes, ParquetColumn? column)
        {
            if (bytes is null || column is null)
            {
                return null;
            }

            return column.Type switch
            {
                ParquetPhysicalType.Boolean when bytes.Length == 1 => bytes[0] != 0,
                ParquetPhysicalType.Int32 when bytes.Length == 4 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
                ParquetPhysicalType.Int64 when bytes.Length == 8 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
                ParquetPhysicalType.Double when bytes.Length == 8 => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
                ParquetPhysicalType.ByteArray when column.Logical == ParquetLogicalType.String && Utf8.IsValid(bytes) => Encoding.UTF8.GetString(bytes),
                ParquetPhysicalType.ByteArray => bytes,
                _ => null,
            };
        }
    }
}
