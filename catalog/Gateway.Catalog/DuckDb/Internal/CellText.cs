namespace Gateway.Catalog.DuckDb.Internal;

/// <summary>
/// Renders a cell as DuckDB's own VARCHAR text, for types that have no CLR counterpart (INTERVAL, LIST, STRUCT, …):
/// the cell is rebuilt as a duckdb_value (recursively for nested types) and cast by DuckDB, so the text is exactly
/// what <c>CAST(x AS VARCHAR)</c> gives, with no formatting rules copied here.
/// </summary>
internal static unsafe class CellText
{
    /// <summary>The VARCHAR text of row <paramref name="index"/> of <paramref name="vector"/>.</summary>
    /// <exception cref="NotSupportedException">The type (or a nested one) cannot be rebuilt through the C API.</exception>
    public static string Render(ColumnShape shape, nint vector, long index)
    {
        var value = Create(shape, vector, index);
        try
        {
            var text = NativeMethods.duckdb_get_varchar(value);
            return text is null ? throw Unsupported(shape) : Utf8Text.ReadAndFree(text);
        }
        finally
        {
            NativeMethods.duckdb_destroy_value(&value);
        }
    }

    private static nint Create(ColumnShape shape, nint vector, long index)
    {
        if (!Vectors.IsValid(NativeMethods.duckdb_vector_get_validity(vector), index))
        {
            return NativeMethods.duckdb_create_null_value();
        }

        var data = NativeMethods.duckdb_vector_get_data(vector);
        var value = shape.Type switch
        {
            DuckDbType.List or DuckDbType.Map => CreateListOrMap(shape, vector, ((DuckDbListEntry*)data)[index]),
            DuckDbType.Array => CreateArray(shape, vector, index),
            DuckDbType.Struct => CreateStruct(shape, vector, index),
            DuckDbType.Union => CreateUnion(shape, vector, index),
            _ => CreateScalar(shape, data, index),
        };

        return value != 0 ? value : throw Unsupported(shape);
    }

    private static nint CreateScalar(ColumnShape shape, void* data, long index)
    {
        switch (shape.Type)
        {
            case DuckDbType.Boolean:
                return NativeMethods.duckdb_create_bool(((byte*)data)[index]);
            case DuckDbType.TinyInt:
                return NativeMethods.duckdb_create_int8(((sbyte*)data)[index]);
            case DuckDbType.SmallInt:
                return NativeMethods.duckdb_create_int16(((short*)data)[index]);
            case DuckDbType.Integer:
                return NativeMethods.duckdb_create_int32(((int*)data)[index]);
            case DuckDbType.BigInt:
                return NativeMethods.duckdb_create_int64(((long*)data)[index]);
            case DuckDbType.UTinyInt:
                return NativeMethods.duckdb_create_uint8(((byte*)data)[index]);
            case DuckDbType.USmallInt:
                return NativeMethods.duckdb_create_uint16(((ushort*)data)[index]);
            case DuckDbType.UInteger:
                return NativeMethods.duckdb_create_uint32(((uint*)data)[index]);
            case DuckDbType.UBigInt:
                return NativeMethods.duckdb_create_uint64(((ulong*)data)[index]);
            case DuckDbType.HugeInt:
                return NativeMethods.duckdb_create_hugeint(((DuckDbHugeInt*)data)[index]);
            case DuckDbType.UHugeInt:
                return NativeMethods.duckdb_create_uhugeint(((DuckDbUHugeInt*)data)[index]);
            case DuckDbType.Float:
                return NativeMethods.duckdb_create_float(((float*)data)[index]);
            case DuckDbType.Double:
                return NativeMethods.duckdb_create_double(((double*)data)[index]);
            case DuckDbType.Decimal:
            {
                var unscaled = Vectors.Integer(shape.Storage, data, index);
                var value = new DuckDbDecimal
                {
                    Width = shape.Width,
                    Scale = shape.Scale,
                    Value = new DuckDbHugeInt { Lower = (ulong)unscaled, Upper = (long)(unscaled >> 64) },
                };
                return NativeMethods.duckdb_create_decimal(value);
            }

            case DuckDbType.Varchar:
            {
                var bytes = Vectors.Bytes(data, index);
                fixed (byte* p = bytes)
                {
                    return NativeMethods.duckdb_create_varchar_length(p, (ulong)bytes.Length);
                }
            }

            case DuckDbType.Blob:
            {
                var bytes = Vectors.Bytes(data, index);
                fixed (byte* p = bytes)
                {
                    return NativeMethods.duckdb_create_blob(p, (ulong)bytes.Length);
                }
            }

            case DuckDbType.Bit:
            {
                var bytes = Vectors.Bytes(data, index);
                fixed (byte* p = bytes)
                {
                    return NativeMethods.duckdb_create_bit(new DuckDbBit { Data = p, Size = (ulong)bytes.Length });
                }
            }

            case DuckDbType.Date:
                return NativeMethods.duckdb_create_date(((int*)data)[index]);
            case DuckDbType.Time:
                return NativeMethods.duckdb_create_time(((long*)data)[index]);
            case DuckDbType.TimeNanoseconds:
                return NativeMethods.duckdb_create_time_ns(((long*)data)[index]);
            case DuckDbType.TimeTz:
                return NativeMethods.duckdb_create_time_tz_value(((ulong*)data)[index]);
            case DuckDbType.Timestamp:
                return NativeMethods.duckdb_create_timestamp(((long*)data)[index]);
            case DuckDbType.TimestampTz:
                return NativeMethods.duckdb_create_timestamp_tz(((long*)data)[index]);
            case DuckDbType.TimestampSeconds:
                return NativeMethods.duckdb_create_timestamp_s(((long*)data)[index]);
            case DuckDbType.TimestampMilliseconds:
                return NativeMethods.duckdb_create_timestamp_ms(((long*)data)[index]);
            case DuckDbType.TimestampNanoseconds:
                return NativeMethods.duckdb_create_timestamp_ns(((long*)data)[index]);
            case DuckDbType.Interval:
                return NativeMethods.duckdb_create_interval(((DuckDbInterval*)data)[index]);
            case DuckDbType.Uuid:
            {
                // Vectors hold the sign-flipped form; duckdb_create_uuid wants the plain unsigned number.
                var stored = ((DuckDbHugeInt*)data)[index];
                return NativeMethods.duckdb_create_uuid(new DuckDbUHugeInt { Lower = stored.Lower, Upper = (ulong)stored.Upper ^ (1UL << 63) });
            }

            case DuckDbType.Enum:
                return NativeMethods.duckdb_create_enum_value(shape.LogicalType, Vectors.EnumIndex(shape.Storage, data, index));
            default:
                return 0;
        }
    }

    private static nint CreateListOrMap(ColumnShape shape, nint vector, DuckDbListEntry entry)
    {
        var child = NativeMethods.duckdb_list_vector_get_child(vector);
        var count = checked((int)entry.Length);
        if (shape.Type == DuckDbType.List)
        {
            return WithValues(count, values =>
            {
                for (var i = 0; i < count; i++)
                {
                    values[i] = Create(shape.Children[0], child, (long)entry.Offset + i);
                }

                return NativeMethods.duckdb_create_list_value(shape.Children[0].LogicalType, values, (ulong)count);
            });
        }

        // A MAP is stored as a LIST of STRUCT(key, value).
        var keys = NativeMethods.duckdb_struct_vector_get_child(child, 0);
        var items = NativeMethods.duckdb_struct_vector_get_child(child, 1);
        return WithValues(count * 2, values =>
        {
            for (var i = 0; i < count; i++)
            {
                values[i] = Create(shape.Children[0], keys, (long)entry.Offset + i);
                values[count + i] = Create(shape.Children[1], items, (long)entry.Offset + i);
            }

            return NativeMethods.duckdb_create_map_value(shape.LogicalType, values, values + count, (ulong)count);
        });
    }

    private static nint CreateArray(ColumnShape shape, nint vector, long index)
    {
        var child = NativeMethods.duckdb_array_vector_get_child(vector);
        var count = checked((int)shape.ArraySize);
        return WithValues(count, values =>
        {
            for (var i = 0; i < count; i++)
            {
                values[i] = Create(shape.Children[0], child, (index * count) + i);
            }

            return NativeMethods.duckdb_create_array_value(shape.Children[0].LogicalType, values, (ulong)count);
        });
    }

    private static nint CreateStruct(ColumnShape shape, nint vector, long index)
    {
        var count = shape.Children.Length;
        return WithValues(count, values =>
        {
            for (var i = 0; i < count; i++)
            {
                values[i] = Create(shape.Children[i], NativeMethods.duckdb_struct_vector_get_child(vector, (ulong)i), index);
            }

            return NativeMethods.duckdb_create_struct_value(shape.LogicalType, values);
        });
    }

    private static nint CreateUnion(ColumnShape shape, nint vector, long index)
    {
        // A UNION is stored as a STRUCT whose first field is the tag (UTINYINT), then one field per member.
        var tags = NativeMethods.duckdb_struct_vector_get_child(vector, 0);
        var tag = ((byte*)NativeMethods.duckdb_vector_get_data(tags))[index];
        var member = NativeMethods.duckdb_struct_vector_get_child(vector, (ulong)tag + 1);
        return WithValues(1, values =>
        {
            values[0] = Create(shape.Children[tag], member, index);
            return NativeMethods.duckdb_create_union_value(shape.LogicalType, tag, values[0]);
        });
    }

    /// <summary>
    /// Gives <paramref name="build"/> room for <paramref name="count"/> child values and destroys every child it
    /// created afterwards (the composite copies them), also when building fails half way.
    /// </summary>
    private static nint WithValues(int count, ValuesBuilder build)
    {
        var values = new nint[Math.Max(count, 1)];
        fixed (nint* p = values)
        {
            try
            {
                return build(p);
            }
            finally
            {
                for (var i = 0; i < values.Length; i++)
                {
                    if (p[i] != 0)
                    {
                        NativeMethods.duckdb_destroy_value(p + i);
                    }
                }
            }
        }
    }

    private static NotSupportedException Unsupported(ColumnShape shape) =>
        new($"DuckDB {shape.Type} values cannot be read through this binding; cast the column to VARCHAR in SQL.");

    private delegate nint ValuesBuilder(nint* values);
}

/// <summary>duckdb_list_entry: where a row's elements sit in the child vector.</summary>
internal struct DuckDbListEntry
{
    public ulong Offset;
    public ulong Length;
}
