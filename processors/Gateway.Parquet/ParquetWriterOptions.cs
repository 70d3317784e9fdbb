using System.Reflection;

namespace Gateway.Parquet;

/// <summary>How a <see cref="ParquetWriter"/> lays out and compresses the file.</summary>
public sealed record ParquetWriterOptions
{
    /// <summary>The largest allowed <see cref="RowGroupBytes"/>, <see cref="PageBytes"/> and <see cref="DictionaryPageBytes"/> (1 GiB).</summary>
    public const long MaxBufferBytes = 1L << 30;

    /// <summary>The default <see cref="CreatedBy"/>: "gateway version X.Y.Z (build H)", parseable by parquet-java's VersionParser.</summary>
    public static string DefaultCreatedBy { get; } = BuildCreatedBy();

    /// <summary>Page compression; Snappy by default.</summary>
    public ParquetCodec Codec { get; init; } = ParquetCodec.Snappy;

    /// <summary>Buffered (uncompressed) bytes of the open row group at which <see cref="ParquetWriter.EndRow"/> closes it.</summary>
    public long RowGroupBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>Target uncompressed size of a data page.</summary>
    public int PageBytes { get; init; } = 1024 * 1024;

    /// <summary>Most rows in one data page (parquet-java's default limit), so page statistics stay selective.</summary>
    public int PageRowLimit { get; init; } = 20_000;

    /// <summary>Dictionary-encode BYTE_ARRAY columns (a column's <see cref="ParquetColumn.UseDictionary"/> overrides it).</summary>
    public bool UseDictionary { get; init; } = true;

    /// <summary>A column chunk whose dictionary grows past this many bytes is written PLAIN instead.</summary>
    public int DictionaryPageBytes { get; init; } = 1024 * 1024;

    /// <summary>FileMetaData.created_by.</summary>
    public string CreatedBy { get; init; } = DefaultCreatedBy;

    /// <summary>FileMetaData.key_value_metadata, written sorted by key; null writes none.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Also write the deprecated Statistics.min/max (signed order) for non-string columns, for old readers.</summary>
    public bool WriteDeprecatedStatistics { get; init; } = true;

    /// <summary>Write FileMetaData.column_orders (TYPE_ORDER for every column), which tells readers min/max follow the type's order.</summary>
    public bool WriteColumnOrders { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option and its allowed range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Codec))
        {
            throw new ArgumentException($"ParquetWriterOptions.Codec {(int)Codec} is unknown; use Uncompressed, Snappy or Gzip.", nameof(Codec));
        }

        CheckRange(RowGroupBytes, 1, MaxBufferBytes, nameof(RowGroupBytes));
        CheckRange(PageBytes, 1, MaxBufferBytes, nameof(PageBytes));
        CheckRange(PageRowLimit, 1, int.MaxValue, nameof(PageRowLimit));
        CheckRange(DictionaryPageBytes, 0, MaxBufferBytes, nameof(DictionaryPageBytes));
        if (CreatedBy is null)
        {
            throw new ArgumentException("ParquetWriterOptions.CreatedBy is null; leave it at its default or give '<app> version <x.y.z> (build <hash>)'.", nameof(CreatedBy));
        }
    }

    private static void CheckRange(long value, long min, long max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentException($"ParquetWriterOptions.{name} is {value}; it must be between {min} and {max}.", name);
        }
    }

    private static string BuildCreatedBy()
    {
        // The SDK stamps "1.2.3+<commit>" when the build knows the source revision.
        var informational = typeof(ParquetWriterOptions).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var build = plus < 0 || plus == informational.Length - 1 ? "unknown" : informational[(plus + 1)..];
        return $"gateway version {version} (build {build})";
    }
}
