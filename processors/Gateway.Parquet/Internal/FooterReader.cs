using System.Buffers.Binary;

namespace Gateway.Parquet.Internal;

/// <summary>Parses a file's FileMetaData (and optionally its page headers) into <see cref="ParquetFileInfo"/>.</summary>
internal static partial class FooterReader
{
    public static ParquetFileInfo Read(Stream stream, bool includePages)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("Reading Parquet metadata needs a readable, seekable stream; copy the data to a file or MemoryStream first.", nameof(stream));
        }

        var length = stream.Length;
        if (length < 12)
        {
            throw new InvalidDataException($"Not a Parquet file: {length} bytes is shorter than the 12 bytes of magic and footer length.");
        }

        Span<byte> head = stackalloc byte[4];
        ReadAt(stream, 0, head);
        Span<byte> tail = stackalloc byte[8];
        ReadAt(stream, length - 8, tail);
        if (!head.SequenceEqual(ParquetFormat.Magic) || !tail[4..].SequenceEqual(ParquetFormat.Magic))
        {
            throw new InvalidDataException("Not a Parquet file: it does not start and end with \"PAR1\".");
        }

        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 12)
        {
            throw new InvalidDataException($"The Parquet footer length {footerLength} does not fit a file of {length} bytes.");
        }

        var footer = new byte[footerLength];
        ReadAt(stream, length - 8 - footerLength, footer);
        var info = Parse(footer);
        return includePages ? WithPages(info, stream) : info;
    }

    /// <summary>Parses serialized FileMetaData.</summary>
    public static ParquetFileInfo Parse(ReadOnlySpan<byte> footer)
    {
        var reader = new ThriftCompactReader(footer);
        var version = 0;
        string? createdBy = null;
        var numRows = 0L;
        var columns = new List<ParquetColumn>();
        var rowGroups = new List<RawRowGroup>();
        var metadata = new Dictionary<string, string?>(StringComparer.Ordinal);
        var columnOrders = 0;
        short last = 0;
        while (reader.ReadFieldHeader(ref last, out var id, out var type))
        {
            switch (id, type)
            {
                case (1, ThriftType.I32):
                    version = reader.ReadI32();
                    break;
                case (2, ThriftType.List):
                    ReadSchema(ref reader, columns);
                    break;
                case (3, ThriftType.I64):
                    numRows = reader.ReadI64();
                    break;
                case (4, ThriftType.List):
                    for (var count = ReadStructList(ref reader); count > 0; count--)
                    {
                        rowGroups.Add(ReadRowGroup(ref reader));
                    }

                    break;
                case (5, ThriftType.List):
                    for (var count = ReadStructList(ref reader); count > 0; count--)
                    {
                        var (key, value) = ReadKeyValue(ref reader);
                        metadata[key] = value;
                    }

                    break;
                case (6, ThriftType.Binary):
                    createdBy = reader.ReadString();
                    break;
                case (7, ThriftType.List):
                    columnOrders = reader.ReadListHeader(out var orderType);
                    for (var i = 0; i < columnOrders; i++)
                    {
                        reader.Skip(orderType);
                    }

                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        var byPath = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            byPath.TryAdd(columns[i].Name, i);
        }

        var groups = rowGroups.Select(group => new ParquetRowGroupInfo(
            group.NumRows,
            group.TotalByteSize,
            group.Chunks.Select(chunk => chunk.ToInfo(byPath.TryGetValue(chunk.Path, out var index) ? columns[index] : null)).ToList())).ToList();
        return new ParquetFileInfo
        {
            Version = version,
            CreatedBy = createdBy,
            NumRows = numRows,
            Columns = columns,
            Metadata = metadata,
            RowGroups = groups,
            ColumnOrderCount = columnOrders,
            FooterLength = footer.Length,
        };
    }

    /// <summary>Parses one page header; returns its length in bytes.</summary>
    public static int ParsePageHeader(ReadOnlySpan<byte> data, ParquetColumn? column, long offset, out ParquetPageInfo page)
    {
        var reader = new ThriftCompactReader(data);
        var type = 0;
        var uncompressed = 0;
        var compressed = 0;
        var numValues = 0;
        var encoding = 0;
        int? definitionEncoding = null;
        RawStatistics? statistics = null;
        short last = 0;
        while (reader.ReadFieldHeader(ref last, out var id, out var fieldType))
        {
            switch (id, fieldType)
            {
                case (1, ThriftType.I32):
                    type = reader.ReadI32();
                    break;
                case (2, ThriftType.I32):
                    uncompressed = reader.ReadI32();
                    break;
                case (3, ThriftType.I32):
                    compressed = reader.ReadI32();
                    break;
                case (5 or 7 or 8, ThriftType.Struct):
                    {
                        // DataPageHeader (5), DictionaryPageHeader (7) and DataPageHeaderV2 (8) share num_values at id 1;
                        // the encoding is id 2 in the first two and id 4 in v2, statistics id 5 in v1 and 8 in v2.
                        var encodingId = id == 8 ? 4 : 2;
                        var statisticsId = id == 8 ? 8 : id == 5 ? 5 : -1;
                        short inner = 0;
                        while (reader.ReadFieldHeader(ref inner, out var headerId, out var headerType))
                        {
                            if (headerId == 1 && headerType == ThriftType.I32)
                            {
                                numValues = reader.ReadI32();
                            }
                            else if (headerId == encodingId && headerType == ThriftType.I32)
                            {
                                encoding = reader.ReadI32();
                            }
                            else if (id == 5 && headerId == 3 && headerType == ThriftType.I32)
                            {
                                definitionEncoding = reader.ReadI32();
                            }
                            else if (headerId == statisticsId && headerType == ThriftType.Struct)
                            {
                                statistics = ReadStatistics(ref reader);
                            }
                            else
                            {
                                reader.Skip(headerType);
                            }
                        }

                        break;
                    }

                default:
                    reader.Skip(fieldType);
                    break;
            }
        }

        page = new ParquetPageInfo
        {
            Type = (ParquetPageType)type,
            Offset = offset,
            HeaderSize = reader.Position,
            UncompressedSize = uncompressed,
            CompressedSize = compressed,
            NumValues = numValues,
            Encoding = (ParquetEncoding)encoding,
            DefinitionLevelEncoding = (ParquetEncoding?)definitionEncoding,
            Statistics = statistics?.ToInfo(column),
        };
        return reader.Position;
    }

    private static ParquetFileInfo WithPages(ParquetFileInfo info, Stream stream)
    {
        var length = stream.Length;
        var groups = new List<ParquetRowGroupInfo>();
        foreach (var group in info.RowGroups)
        {
            var chunks = new List<ParquetColumnChunkInfo>();
            foreach (var chunk in group.Columns)
            {
                var column = info.Columns.FirstOrDefault(c => c.Name == chunk.Path);
                var offset = chunk.DictionaryPageOffset ?? chunk.DataPageOffset;
                var end = offset + chunk.TotalCompressedSize;
                if (offset < 4 || end > length)
                {
                    throw new InvalidDataException($"Column chunk '{chunk.Path}' claims bytes {offset}..{end} of a {length}-byte file.");
                }

                var pages = new List<ParquetPageInfo>();
                while (offset < end)
                {
                    var page = ReadPageHeader(stream, column, offset, end);
                    pages.Add(page);
                    offset += page.HeaderSize + (long)page.CompressedSize;
                }

                chunks.Add(chunk with { Pages = pages });
            }

            groups.Add(group with { Columns = chunks });
        }

        return new ParquetFileInfo
        {
            Version = info.Version,
            CreatedBy = info.CreatedBy,
            NumRows = info.NumRows,
            Columns = info.Columns,
            Metadata = info.Metadata,
            RowGroups = groups,
            ColumnOrderCount = info.ColumnOrderCount,
            FooterLength = info.FooterLength,
        };
    }

    private static ParquetPageInfo ReadPageHeader(Stream stream, ParquetColumn? column, long offset, long end)
    {
        // Headers are small unless their statistics are long; grow the window until the header parses.
        var size = (int)Math.Min(end - offset, 1024);
        while (true)
        {
            var buffer = new byte[size];
            ReadAt(stream, offset, buffer);
            try
            {
                ParsePageHeader(buffer, column, offset, out var page);
                if (page.CompressedSize < 0 || offset + page.HeaderSize + (long)page.CompressedSize > end)
                {
                    throw new InvalidDataException($"The page at byte {offset} of column '{column?.Name}' runs past its column chunk.");
                }

                return page;
            }
            catch (InvalidDataException) when (size < end - offset)
            {
                size = (int)Math.Min(end - offset, size * 4L);
            }
        }
    }

    private static void ReadAt(Stream stream, long position, Span<byte> buffer)
    {
        stream.Position = position;
        stream.ReadExactly(buffer);
    }
}
