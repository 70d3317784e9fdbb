namespace Gateway.Parquet.Internal;

/// <summary>Serializes FileMetaData (Thrift compact) for the footer.</summary>
internal static class FooterWriter
{
    public static void Write(
        PooledBuffer<byte> output,
        ParquetSchema schema,
        IReadOnlyList<RowGroupMetadata> rowGroups,
        ParquetWriterOptions options)
    {
        var thrift = new ThriftCompactWriter(output);
        thrift.WriteI32(1, ParquetFormat.FileVersion);
        WriteSchema(ref thrift, schema);
        thrift.WriteI64(3, rowGroups.Sum(group => group.NumRows));
        thrift.BeginList(4, ThriftType.Struct, rowGroups.Count);
        foreach (var group in rowGroups)
        {
            WriteRowGroup(ref thrift, group, options);
        }

        if (options.Metadata is { Count: > 0 } metadata)
        {
            thrift.BeginList(5, ThriftType.Struct, metadata.Count);
            foreach (var (key, value) in metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                thrift.BeginStructElement();
                thrift.WriteString(1, key);
                if (value is not null)
                {
                    thrift.WriteString(2, value);
                }

                thrift.EndStruct();
            }
        }

        thrift.WriteString(6, options.CreatedBy);
        if (options.WriteColumnOrders)
        {
            thrift.BeginList(7, ThriftType.Struct, schema.Columns.Count);
            for (var i = 0; i < schema.Columns.Count; i++)
            {
                // ColumnOrder union: field 1, TYPE_ORDER (an empty struct).
                thrift.BeginStructElement();
                thrift.BeginStruct(1);
                thrift.EndStruct();
                thrift.EndStruct();
            }
        }

        thrift.EndStruct();
    }

    private static void WriteSchema(ref ThriftCompactWriter thrift, ParquetSchema schema)
    {
        thrift.BeginList(2, ThriftType.Struct, schema.Columns.Count + 1);
        thrift.BeginStructElement();
        thrift.WriteString(4, ParquetFormat.RootName);
        thrift.WriteI32(5, schema.Columns.Count);
        thrift.EndStruct();
        foreach (var column in schema.Columns)
        {
            thrift.BeginStructElement();
            thrift.WriteI32(1, ParquetFormat.PhysicalTypeCode(column.Type));
            thrift.WriteI32(3, column.IsOptional ? ParquetFormat.Optional : ParquetFormat.Required);
            thrift.WriteString(4, column.Name);
            switch (column.Logical)
            {
                case ParquetLogicalType.String:
                    thrift.WriteI32(6, ParquetFormat.ConvertedUtf8);
                    thrift.BeginStruct(10);
                    thrift.BeginStruct(1);
                    thrift.EndStruct();
                    thrift.EndStruct();
                    break;
                case ParquetLogicalType.TimestampMillis:
                    // The spec asks writers to emit the legacy converted type next to TIMESTAMP(MILLIS).
                    thrift.WriteI32(6, ParquetFormat.ConvertedTimestampMillis);
                    thrift.BeginStruct(10);
                    thrift.BeginStruct(8);
                    thrift.WriteBool(1, true);
                    thrift.BeginStruct(2);
                    thrift.BeginStruct(1);
                    thrift.EndStruct();
                    thrift.EndStruct();
                    thrift.EndStruct();
                    thrift.EndStruct();
                    break;
                case ParquetLogicalType.Date:
                    thrift.WriteI32(6, ParquetFormat.ConvertedDate);
                    thrift.BeginStruct(10);
                    thrift.BeginStruct(6);
                    thrift.EndStruct();
                    thrift.EndStruct();
                    break;
            }

            thrift.EndStruct();
        }
    }

    private static void WriteRowGroup(ref ThriftCompactWriter thrift, RowGroupMetadata group, ParquetWriterOptions options)
    {
        thrift.BeginStructElement();
        thrift.BeginList(1, ThriftType.Struct, group.Columns.Count);
        var totalByteSize = 0L;
        foreach (var chunk in group.Columns)
        {
            totalByteSize += chunk.TotalUncompressedSize;
            thrift.BeginStructElement();
            thrift.WriteI64(2, 0);
            thrift.BeginStruct(3);
            thrift.WriteI32(1, ParquetFormat.PhysicalTypeCode(chunk.Column.Type));
            if (chunk.UsesDictionary)
            {
                thrift.BeginList(2, ThriftType.I32, 3);
                thrift.WriteI32Element(ParquetFormat.EncodingPlain);
                thrift.WriteI32Element(ParquetFormat.EncodingRle);
                thrift.WriteI32Element(ParquetFormat.EncodingRleDictionary);
            }
            else
            {
                thrift.BeginList(2, ThriftType.I32, 2);
                thrift.WriteI32Element(ParquetFormat.EncodingPlain);
                thrift.WriteI32Element(ParquetFormat.EncodingRle);
            }

            thrift.BeginList(3, ThriftType.Binary, 1);
            thrift.WriteStringElement(chunk.Column.Name);
            thrift.WriteI32(4, ParquetFormat.CodecCode(options.Codec));
            thrift.WriteI64(5, chunk.NumValues);
            thrift.WriteI64(6, chunk.TotalUncompressedSize);
            thrift.WriteI64(7, chunk.TotalCompressedSize);
            thrift.WriteI64(9, chunk.DataPageOffset);
            if (chunk.UsesDictionary)
            {
                thrift.WriteI64(11, chunk.DictionaryPageOffset);
            }

            var deprecated = options.WriteDeprecatedStatistics && chunk.Column.Type != ParquetPhysicalType.ByteArray;
            ChunkEncoder.WriteStatistics(ref thrift, 12, chunk.Statistics.AsValues(), deprecated);
            thrift.EndStruct();
            thrift.EndStruct();
        }

        thrift.WriteI64(2, totalByteSize);
        thrift.WriteI64(3, group.NumRows);
        thrift.EndStruct();
    }
}
