namespace Gateway.Parquet.Internal;

/// <summary>FileMetaData structs: schema, row groups, column chunks, statistics, key/value pairs.</summary>
internal static partial class FooterReader
{
    private static int ReadStructList(ref ThriftCompactReader reader)
    {
        var count = reader.ReadListHeader(out var elementType);
        if (elementType != ThriftType.Struct && count > 0)
        {
            ThrowHelper.ThrowThrift($"expected a list of structs, found element type {elementType}", reader.Position);
        }

        return count;
    }

    private static void ReadSchema(ref ThriftCompactReader reader, List<ParquetColumn> columns)
    {
        var count = ReadStructList(ref reader);
        for (var i = 0; i < count; i++)
        {
            var element = ReadSchemaElement(ref reader);
            if (i == 0)
            {
                continue;
            }

            if (element.NumChildren > 0)
            {
                throw new NotSupportedException($"Column '{element.Name}' is a group; this reader handles flat schemas only.");
            }

            columns.Add(element.ToColumn());
        }
    }

    private static RawSchemaElement ReadSchemaElement(ref ThriftCompactReader reader)
    {
        var element = new RawSchemaElement();
        short last = 0;
        while (reader.ReadFieldHeader(ref last, out var id, out var type))
        {
            switch (id, type)
            {
                case (1, ThriftType.I32):
                    element.Type = reader.ReadI32();
                    break;
                case (3, ThriftType.I32):
                    element.Repetition = reader.ReadI32();
                    break;
                case (4, ThriftType.Binary):
                    element.Name = reader.ReadString();
                    break;
                case (5, ThriftType.I32):
                    element.NumChildren = reader.ReadI32();
                    break;
                case (6, ThriftType.I32):
                    element.ConvertedType = reader.ReadI32();
                    break;
                case (10, ThriftType.Struct):
                    element.Logical = ReadLogicalType(ref reader);
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        return element;
    }

    /// <summary>The LogicalType union reduced to what this library writes (STRING, DATE, TIMESTAMP(MILLIS)).</summary>
    private static ParquetLogicalType? ReadLogicalType(ref ThriftCompactReader reader)
    {
        ParquetLogicalType? logical = null;
        short last = 0;
        while (reader.ReadFieldHeader(ref last, out var id, out var type))
        {
            switch (id, type)
            {
                case (1, ThriftType.Struct):
                    reader.Skip(type);
                    logical = ParquetLogicalType.String;
                    break;
                case (6, ThriftType.Struct):
                    reader.Skip(type);
                    logical = ParquetLogicalType.Date;
                    break;
                case (8, ThriftType.Struct):
                    logical = ReadTimestampUnit(ref reader) == 1 ? ParquetLogicalType.TimestampMillis : ParquetLogicalType.None;
                    break;
                default:
                    reader.Skip(type);
                    logical = ParquetLogicalType.None;
                    break;
            }
        }

        return logical;
    }

    private static int ReadTimestampUnit(ref ThriftCompactReader reader)
    {
        var unit = 0;
        short last = 0;
        while (reader.ReadFieldHeader(ref last, out var id, out var type))
        {
            if (id == 2 && type == ThriftType.Struct)
            {
                short inner = 0;
                while (reader.ReadFieldHeader(ref inner, out var unitId, out var unitType))
                {
                    unit = unitId;
                    reader.Skip(unitType);
                }
            }
            else
            {
                reader.Skip(type);
            }
        }

        return unit;
    }

    private static RawRowGroup ReadRowGroup(ref ThriftCompactReader reader)
    {
        var group = new RawRowGroup();
        short last = 0;
        while (reader.ReadFieldHeader(ref last, out var id, out var type))
        {
            switch (id, type)
            {
                case (1, ThriftType.List):
                    for (var count = ReadStructList(ref reader); count > 0; count--)
                    {
                        group.Chunks.Add(ReadColumnChunk(ref reader));
                    }

                    break;
                case (2, ThriftType.I64):
                    group.TotalByteSize = reader.ReadI64();
                    break;
                case (3, ThriftType.I64):
                    group.NumRows = reader.ReadI64();
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        return group;
    }

    private static RawChunk ReadColumnChunk(ref ThriftCompactReader reader)
    {
        var chunk = new RawChunk();
        short last = 0;
        while (reader.ReadFieldHeader(ref last, out var id, out var type))
        {
            if (id == 3 && type == ThriftType.Struct)
            {
                ReadColumnMetaData(ref reader, chunk);
            }
            else
            {
                reader.Skip(type);
            }
        }

        return chunk;
    }

    private static void ReadColumnMetaData(ref ThriftCompactReader reader, RawChunk chunk)
    {
        short last = 0;
        while (reader.ReadFieldHeader(ref last, out var id, out var type))
        {
            switch (id, type)
            {
                case (1, ThriftType.I32):
                    chunk.Type = reader.ReadI32();
                    break;
                case (2, ThriftType.List):
                    {
                        var count = reader.ReadListHeader(out var elementType);
                        for (var i = 0; i < count; i++)
                        {
                            if (elementType == ThriftType.I32)
                            {
                                chunk.Encodings.Add((ParquetEncoding)reader.ReadI32());
                            }
                            else
                            {
                                reader.Skip(elementType);
                            }
                        }

                        break;
                    }

                case (3, ThriftType.List):
                    {
                        var count = reader.ReadListHeader(out var elementType);
                        var parts = new List<string>();
                        for (var i = 0; i < count; i++)
                        {
                            if (elementType == ThriftType.Binary)
                            {
                                parts.Add(reader.ReadString());
                            }
                            else
                            {
                                reader.Skip(elementType);
                            }
                        }

                        chunk.Path = string.Join('.', parts);
                        break;
                    }

                case (4, ThriftType.I32):
                    chunk.Codec = reader.ReadI32();
                    break;
                case (5, ThriftType.I64):
                    chunk.NumValues = reader.ReadI64();
                    break;
                case (6, ThriftType.I64):
                    chunk.TotalUncompressedSize = reader.ReadI64();
                    break;
                case (7, ThriftType.I64):
                    chunk.TotalCompressedSize = reader.ReadI64();
                    break;
                case (9, ThriftType.I64):
                    chunk.DataPageOffset = reader.ReadI64();
                    break;
                case (11, ThriftType.I64):
                    chunk.DictionaryPageOffset = reader.ReadI64();
                    break;
                case (12, ThriftType.Struct):
                    chunk.Statistics = ReadStatistics(ref reader);
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }
    }

    private static RawStatistics ReadStatistics(ref ThriftCompactReader reader)
    {
        var statistics = new RawStatistics();
        short last = 0;
        while (reader.ReadFieldHeader(ref last, out var id, out var type))
        {
            switch (id, type)
            {
                case (1, ThriftType.Binary):
                    statistics.DeprecatedMax = reader.ReadBinary().ToArray();
                    break;
                case (2, ThriftType.Binary):
                    statistics.DeprecatedMin = reader.ReadBinary().ToArray();
                    break;
                case (3, ThriftType.I64):
                    statistics.NullCount = reader.ReadI64();
                    break;
                case (4, ThriftType.I64):
                    statistics.DistinctCount = reader.ReadI64();
                    break;
                case (5, ThriftType.Binary):
                    statistics.MaxValue = reader.ReadBinary().ToArray();
                    break;
                case (6, ThriftType.Binary):
                    statistics.MinValue = reader.ReadBinary().ToArray();
                    break;
                case (9, ThriftType.I64):
                    statistics.NanCount = reader.ReadI64();
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        return statistics;
    }

    private static (string Key, string? Value) ReadKeyValue(ref ThriftCompactReader reader)
    {
        var key = string.Empty;
        string? value = null;
        short last = 0;
        while (reader.ReadFieldHeader(ref last, out var id, out var type))
        {
            switch (id, type)
            {
                case (1, ThriftType.Binary):
                    key = reader.ReadString();
                    break;
                case (2, ThriftType.Binary):
                    value = reader.ReadString();
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        return (key, value);
    }

    private static ParquetPhysicalType? PhysicalType(int code) => code switch
    {
        ParquetFormat.TypeBoolean => ParquetPhysicalType.Boolean,
        ParquetFormat.TypeInt32 => ParquetPhysicalType.Int32,
        ParquetFormat.TypeInt64 => ParquetPhysicalType.Int64,
        ParquetFormat.TypeDouble => ParquetPhysicalType.Double,
        ParquetFormat.TypeByteArray => ParquetPhysicalType.ByteArray,
        _ => null,
    };

    private static string TypeName(int code) => code switch
    {
        ParquetFormat.TypeInt96 => "INT96",
        ParquetFormat.TypeFloat => "FLOAT",
        ParquetFormat.TypeFixedLenByteArray => "FIXED_LEN_BYTE_ARRAY",
        _ => $"type {code}",
    };
}
