using Gateway.Processing.Enrichment;

namespace Gateway.Parquet.Lake;

/// <summary>Buffering, naming and dedup settings of a <see cref="LakeWriter"/>; the defaults are the local pipeline's.</summary>
public sealed record LakeWriterOptions
{
    /// <summary>A partition's file is finished once it holds this many bytes (Firehose's buffer size hint; 16 MiB locally).</summary>
    /// <remarks>Measured as the Parquet writer's encoded bytes, before compression of the pages still buffered.</remarks>
    public long BufferBytes { get; init; } = 16L << 20;

    /// <summary>A partition's file is finished this long after its first row arrived (Firehose's buffer interval; 10 s locally); <see cref="Timeout.InfiniteTimeSpan"/> finishes files by size only.</summary>
    public TimeSpan BufferTime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most partitions taking rows at once. A row for another partition first finishes the one opened longest ago, so a
    /// late event in an old hour costs a small file of its own instead of keeping that hour open.
    /// </summary>
    public int MaxOpenPartitions { get; init; } = 16;

    /// <summary>
    /// Most bytes buffered across all open partitions, at least <see cref="BufferBytes"/>; null (the default) means
    /// twice <see cref="BufferBytes"/>. A row that takes the total past it finishes the partition written least
    /// recently — in time-ordered input the hour that just ended — so memory follows this bound rather than
    /// MaxOpenPartitions × <see cref="BufferBytes"/>.
    /// </summary>
    public long? MaxBufferedBytes { get; init; }

    /// <summary>The bound in effect: <see cref="MaxBufferedBytes"/>, or twice <see cref="BufferBytes"/>.</summary>
    public long EffectiveMaxBufferedBytes => MaxBufferedBytes ?? 2 * BufferBytes;

    /// <summary>Compression of the Parquet pages (Firehose's ParquetSerDe default is Snappy).</summary>
    public ParquetCodec Codec { get; init; } = ParquetCodec.Snappy;

    /// <summary>
    /// Null (the default): file names carry a random UUID and the delivery time, like Firehose. Set: the UUID is derived
    /// from (seed, table, partition, file number within the partition) and the time is the partition's hour, so running
    /// the same input with the same settings again rewrites the same files instead of adding copies (replays, backfills).
    /// </summary>
    public string? NameSeed { get; init; }

    /// <summary>The first part of the delivery-stream name in file names: <c>gateway</c> gives <c>gateway-events-1-…</c> and <c>gateway-bad-rows-1-…</c>.</summary>
    public string FilePrefix { get; init; } = "gateway";

    /// <summary>How long an <c>event_id</c> is remembered to drop a repeat; <see cref="TimeSpan.Zero"/> turns the lake's own dedup off.</summary>
    public TimeSpan DedupWindow { get; init; } = EventIdDeduplicator.DefaultWindow;

    /// <summary>Most event ids remembered at once (about 200 bytes each).</summary>
    public int DedupCapacity { get; init; } = EventIdDeduplicator.DefaultCapacity;

    /// <summary>Key/value pairs written into every file's footer (besides the writer's own).</summary>
    public IReadOnlyDictionary<string, string>? FileMetadata { get; init; }
}
