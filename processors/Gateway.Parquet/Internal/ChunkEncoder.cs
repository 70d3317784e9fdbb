using System.Buffers.Binary;
using System.IO.Compression;

namespace Gateway.Parquet.Internal;

/// <summary>
/// Assembles one column chunk at a time into <see cref="Output"/>: page bodies are built in a scratch buffer,
/// compressed as a whole (the header never is), and appended after their Thrift page header. One instance per writer;
/// its buffers are reused for every chunk, so encoding allocates only what the codec itself allocates per page.
/// </summary>
internal sealed class ChunkEncoder : IDisposable
{
    /// <summary>parquet-java writes no min/max when together they take this many bytes or more; so do we.</summary>
    public const int MaxStatisticsBytes = 4096;

    private readonly ParquetCodec _codec;
    private readonly bool _deprecatedStatistics;
    private readonly PooledBuffer<byte> _body = new(64 * 1024);
    private readonly MemoryStream _gzipOutput = new();
    private long _fileOffset;
    private long _dataPageOffset;
    private long _dictionaryPageOffset;
    private long _uncompressedSize;
    private bool _byteArrayColumn;

    public ChunkEncoder(ParquetWriterOptions options)
    {
        _codec = options.Codec;
        _deprecatedStatistics = options.WriteDeprecatedStatistics;
        PageBytes = options.PageBytes;
        PageRowLimit = options.PageRowLimit;
    }

    public int PageBytes { get; }

    public int PageRowLimit { get; }

    /// <summary>The pages of the chunk being encoded, headers included.</summary>
    public PooledBuffer<byte> Output { get; } = new(64 * 1024);

    /// <summary>Starts a chunk that will be written at <paramref name="fileOffset"/> of the file.</summary>
    public void BeginChunk(ParquetColumn column, long fileOffset)
    {
        Output.Clear();
        _fileOffset = fileOffset;
        _dataPageOffset = -1;
        _dictionaryPageOffset = -1;
        _uncompressedSize = 0;
        _byteArrayColumn = column.Type == ParquetPhysicalType.ByteArray;
    }

    /// <summary>Writes the dictionary page: the distinct values, PLAIN-encoded.</summary>
    public void WriteDictionaryPage(ReadOnlySpan<byte> plainValues, int count)
    {
        _dictionaryPageOffset = _fileOffset + Output.Length;
        var compressed = Compress(plainValues);
        var headerStart = Output.Length;
        var thrift = BeginPageHeader(ParquetFormat.PageDictionary, plainValues.Length, compressed.Length);
        thrift.BeginStruct(7);
        thrift.WriteI32(1, count);
        thrift.WriteI32(2, ParquetFormat.EncodingPlain);
        EndPage(ref thrift, headerStart, plainValues.Length, compressed);
    }

    /// <summary>Clears and returns the body buffer of the next data page.</summary>
    public PooledBuffer<byte> BeginDataPage()
    {
        _body.Clear();
        return _body;
    }

    /// <summary>Appends definition levels (max level 1, so bit width 1) with the 4-byte length prefix of v1 pages.</summary>
    public void WriteDefinitionLevels(ReadOnlySpan<byte> levels)
    {
        var lengthAt = _body.Length;
        _body.GetSpan(4);
        _body.Advance(4);
        RleHybridEncoder.Encode(levels, 1, _body);
        BinaryPrimitives.WriteInt32LittleEndian(_body.Span[lengthAt..], _body.Length - lengthAt - 4);
    }

    /// <summary>Compresses the page body and appends it after its header.</summary>
    public void EndDataPage(int numValues, int encoding, in StatisticsValues statistics)
    {
        if (_dataPageOffset < 0)
        {
            _dataPageOffset = _fileOffset + Output.Length;
        }

        var body = _body.Span;
        var compressed = Compress(body);
        var headerStart = Output.Length;
        var thrift = BeginPageHeader(ParquetFormat.PageData, body.Length, compressed.Length);
        thrift.BeginStruct(5);
        thrift.WriteI32(1, numValues);
        thrift.WriteI32(2, encoding);
        thrift.WriteI32(3, ParquetFormat.EncodingRle);
        thrift.WriteI32(4, ParquetFormat.EncodingRle);
        WriteStatistics(ref thrift, 5, statistics, _deprecatedStatistics && !_byteArrayColumn);
        EndPage(ref thrift, headerStart, body.Length, compressed);
    }

    // A PageHeader's type and sizes; the caller adds its page-type header struct.
    private ThriftCompactWriter BeginPageHeader(int pageType, int uncompressedSize, int compressedSize)
    {
        var thrift = new ThriftCompactWriter(Output);
        thrift.WriteI32(1, pageType);
        thrift.WriteI32(2, uncompressedSize);
        thrift.WriteI32(3, compressedSize);
        return thrift;
    }

    // Closes the page-type struct and the PageHeader, then appends the (compressed) body after it.
    private void EndPage(ref ThriftCompactWriter thrift, int headerStart, int uncompressedBodyLength, ReadOnlySpan<byte> compressed)
    {
        thrift.EndStruct();
        thrift.EndStruct();
        _uncompressedSize += Output.Length - headerStart + uncompressedBodyLength;
        Output.AddRange(compressed);
    }

    /// <summary>Finishes the chunk; its bytes stay in <see cref="Output"/> until the next <see cref="BeginChunk"/>.</summary>
    public ColumnChunkMetadata EndChunk(ParquetColumn column, long numValues, ChunkStatistics statistics) => new()
    {
        Column = column,
        UsesDictionary = _dictionaryPageOffset >= 0,
        NumValues = numValues,
        TotalUncompressedSize = _uncompressedSize,
        TotalCompressedSize = Output.Length,
        DataPageOffset = _dataPageOffset,
        DictionaryPageOffset = _dictionaryPageOffset,
        Statistics = statistics,
    };

    /// <summary>
    /// Writes a Statistics struct: null_count always, min_value/max_value in the type's order when known and small enough,
    /// the deprecated min/max alongside when asked (never for byte arrays, whose deprecated order was signed), nan_count
    /// for floating point.
    /// </summary>
    public static void WriteStatistics(ref ThriftCompactWriter thrift, short fieldId, in StatisticsValues statistics, bool deprecated)
    {
        var minMax = statistics.HasMinMax && statistics.Min.Length + statistics.Max.Length < MaxStatisticsBytes;
        thrift.BeginStruct(fieldId);
        if (minMax && deprecated)
        {
            thrift.WriteBinary(1, statistics.Max);
            thrift.WriteBinary(2, statistics.Min);
        }

        thrift.WriteI64(3, statistics.NullCount);
        if (minMax)
        {
            thrift.WriteBinary(5, statistics.Max);
            thrift.WriteBinary(6, statistics.Min);
        }

        if (statistics.NanCount >= 0)
        {
            thrift.WriteI64(9, statistics.NanCount);
        }

        thrift.EndStruct();
    }

    public void Dispose()
    {
        _body.Dispose();
        Output.Dispose();
        _gzipOutput.Dispose();
    }

    private ReadOnlySpan<byte> Compress(ReadOnlySpan<byte> body)
    {
        switch (_codec)
        {
            case ParquetCodec.Snappy:
                // Raw Snappy block format (no framing), as Parquet requires.
                return IronSnappy.Snappy.Encode(body);
            case ParquetCodec.Gzip:
                _gzipOutput.SetLength(0);
                using (var gzip = new GZipStream(_gzipOutput, CompressionLevel.Optimal, leaveOpen: true))
                {
                    gzip.Write(body);
                }

                return _gzipOutput.GetBuffer().AsSpan(0, (int)_gzipOutput.Length);
            default:
                return body;
        }
    }
}
