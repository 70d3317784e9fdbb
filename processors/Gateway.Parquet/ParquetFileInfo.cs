using Gateway.Parquet.Internal;

namespace Gateway.Parquet;

/// <summary>
/// The footer of a Parquet file (and optionally its page headers), for inspection and tests. It reads metadata only;
/// values are checked with other implementations.
/// </summary>
public sealed class ParquetFileInfo
{
    /// <summary>FileMetaData.version.</summary>
    public required int Version { get; init; }

    /// <summary>FileMetaData.created_by, if present.</summary>
    public required string? CreatedBy { get; init; }

    /// <summary>FileMetaData.num_rows.</summary>
    public required long NumRows { get; init; }

    /// <summary>The top-level columns in file order (flat schemas only).</summary>
    public required IReadOnlyList<ParquetColumn> Columns { get; init; }

    /// <summary>FileMetaData.key_value_metadata (a key without value maps to null).</summary>
    public required IReadOnlyDictionary<string, string?> Metadata { get; init; }

    /// <summary>The row groups with their column chunks.</summary>
    public required IReadOnlyList<ParquetRowGroupInfo> RowGroups { get; init; }

    /// <summary>Number of FileMetaData.column_orders entries (0 when absent).</summary>
    public required int ColumnOrderCount { get; init; }

    /// <summary>Byte length of the serialized FileMetaData.</summary>
    public required int FooterLength { get; init; }

    /// <summary>Reads the footer (and with <paramref name="includePages"/> every page header) of a seekable stream.</summary>
    public static ParquetFileInfo Read(Stream stream, bool includePages = false) => FooterReader.Read(stream, includePages);

    /// <summary>Reads the footer (and with <paramref name="includePages"/> every page header) of a file.</summary>
    public static ParquetFileInfo Read(string path, bool includePages = false)
    {
        using var stream = File.OpenRead(path);
        return FooterReader.Read(stream, includePages);
    }
}

/// <summary>One row group of a file.</summary>
/// <param name="NumRows">RowGroup.num_rows.</param>
/// <param name="TotalByteSize">RowGroup.total_byte_size: uncompressed bytes of its column chunks.</param>
/// <param name="Columns">The column chunks in schema order.</param>
public sealed record ParquetRowGroupInfo(long NumRows, long TotalByteSize, IReadOnlyList<ParquetColumnChunkInfo> Columns);

/// <summary>One column chunk's metadata (ColumnMetaData).</summary>
public sealed record ParquetColumnChunkInfo
{
    /// <summary>path_in_schema joined with '.'.</summary>
    public required string Path { get; init; }

    /// <summary>The physical type.</summary>
    public required ParquetPhysicalType Type { get; init; }

    /// <summary>The codec, or null when the file uses one this library does not write.</summary>
    public required ParquetCodec? Codec { get; init; }

    /// <summary>The raw CompressionCodec value.</summary>
    public required int CodecCode { get; init; }

    /// <summary>Every encoding used in the chunk, as listed.</summary>
    public required IReadOnlyList<ParquetEncoding> Encodings { get; init; }

    /// <summary>Values including nulls.</summary>
    public required long NumValues { get; init; }

    /// <summary>Uncompressed bytes of all pages, headers included.</summary>
    public required long TotalUncompressedSize { get; init; }

    /// <summary>Compressed bytes of all pages, headers included.</summary>
    public required long TotalCompressedSize { get; init; }

    /// <summary>File offset of the first data page.</summary>
    public required long DataPageOffset { get; init; }

    /// <summary>File offset of the dictionary page, if any.</summary>
    public required long? DictionaryPageOffset { get; init; }

    /// <summary>Chunk statistics, if written.</summary>
    public required ParquetStatistics? Statistics { get; init; }

    /// <summary>Page headers in file order; empty unless read with includePages.</summary>
    public IReadOnlyList<ParquetPageInfo> Pages { get; init; } = [];
}

/// <summary>One page header.</summary>
public sealed record ParquetPageInfo
{
    /// <summary>The page kind.</summary>
    public required ParquetPageType Type { get; init; }

    /// <summary>File offset of the page header.</summary>
    public required long Offset { get; init; }

    /// <summary>Bytes of the page header.</summary>
    public required int HeaderSize { get; init; }

    /// <summary>Bytes of the page body before compression.</summary>
    public required int UncompressedSize { get; init; }

    /// <summary>Bytes of the page body as stored.</summary>
    public required int CompressedSize { get; init; }

    /// <summary>Values in the page (nulls included), or dictionary entries for a dictionary page.</summary>
    public required int NumValues { get; init; }

    /// <summary>The value encoding of the page.</summary>
    public required ParquetEncoding Encoding { get; init; }

    /// <summary>Encoding of the definition levels (data pages v1).</summary>
    public ParquetEncoding? DefinitionLevelEncoding { get; init; }

    /// <summary>Page statistics, if written.</summary>
    public ParquetStatistics? Statistics { get; init; }
}

/// <summary>A Statistics struct, with min/max also decoded to typed values.</summary>
public sealed record ParquetStatistics
{
    /// <summary>null_count.</summary>
    public long? NullCount { get; init; }

    /// <summary>distinct_count.</summary>
    public long? DistinctCount { get; init; }

    /// <summary>nan_count (floating-point columns).</summary>
    public long? NanCount { get; init; }

    /// <summary>min_value as stored (PLAIN, no length prefix).</summary>
    public byte[]? MinValue { get; init; }

    /// <summary>max_value as stored.</summary>
    public byte[]? MaxValue { get; init; }

    /// <summary>The deprecated min field.</summary>
    public byte[]? DeprecatedMin { get; init; }

    /// <summary>The deprecated max field.</summary>
    public byte[]? DeprecatedMax { get; init; }

    /// <summary>min_value decoded: bool, int, long, double, string (STRING columns) or byte[].</summary>
    public object? Min { get; init; }

    /// <summary>max_value decoded like <see cref="Min"/>.</summary>
    public object? Max { get; init; }
}
