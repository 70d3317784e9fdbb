namespace Gateway.Parquet.Internal;

/// <summary>Statistics of one page or column chunk, as spans into the writer's buffers (valid while the chunk is encoded).</summary>
internal readonly ref struct StatisticsValues
{
    public StatisticsValues(long nullCount, long nanCount, bool hasMinMax, ReadOnlySpan<byte> min, ReadOnlySpan<byte> max)
    {
        NullCount = nullCount;
        NanCount = nanCount;
        HasMinMax = hasMinMax;
        Min = min;
        Max = max;
    }

    public long NullCount { get; }

    /// <summary>NaN count for floating-point columns; -1 for other types (the field is not written).</summary>
    public long NanCount { get; }

    public bool HasMinMax { get; }

    /// <summary>PLAIN encoding of the minimum, without the length prefix of byte arrays.</summary>
    public ReadOnlySpan<byte> Min { get; }

    public ReadOnlySpan<byte> Max { get; }
}

/// <summary>Column chunk statistics kept for the footer.</summary>
internal sealed class ChunkStatistics
{
    public long NullCount { get; init; }

    public long NanCount { get; init; } = -1;

    public byte[]? Min { get; init; }

    public byte[]? Max { get; init; }

    public StatisticsValues AsValues() => new(NullCount, NanCount, Min is not null && Max is not null, Min, Max);
}

/// <summary>What the footer records about one written column chunk.</summary>
internal sealed class ColumnChunkMetadata
{
    public required ParquetColumn Column { get; init; }

    public required bool UsesDictionary { get; init; }

    public required long NumValues { get; init; }

    public required long TotalUncompressedSize { get; init; }

    public required long TotalCompressedSize { get; init; }

    public required long DataPageOffset { get; init; }

    public required long DictionaryPageOffset { get; init; }

    public required ChunkStatistics Statistics { get; init; }
}

/// <summary>What the footer records about one written row group.</summary>
internal sealed class RowGroupMetadata
{
    public required IReadOnlyList<ColumnChunkMetadata> Columns { get; init; }

    public required long NumRows { get; init; }
}
