namespace Gateway.Catalog.DuckDb.Internal;

/// <summary>
/// What a reader needs to know about a column beyond its <see cref="DuckDbType"/>: a decimal's scale and storage, an
/// enum's storage and labels, a nested type's children. Logical types it holds belong to the result's handle.
/// </summary>
internal sealed class ColumnShape
{
    private string[]? _enumLabels;

    private ColumnShape(DuckDbType type, nint logicalType, ColumnShape[] children)
    {
        Type = type;
        LogicalType = logicalType;
        Children = children;
    }

    /// <summary>The column's type id.</summary>
    public DuckDbType Type { get; }

    /// <summary>The duckdb_logical_type, or 0 for plain types read without one.</summary>
    public nint LogicalType { get; }

    /// <summary>DECIMAL: SMALLINT, INTEGER, BIGINT or HUGEINT; ENUM: UTINYINT, USMALLINT or UINTEGER; else <see cref="Type"/>.</summary>
    public DuckDbType Storage { get; private init; }

    /// <summary>DECIMAL width (total digits).</summary>
    public byte Width { get; private init; }

    /// <summary>DECIMAL scale (digits after the point).</summary>
    public byte Scale { get; private init; }

    /// <summary>ARRAY: the fixed element count.</summary>
    public ulong ArraySize { get; private init; }

    /// <summary>LIST/ARRAY: the element; STRUCT: the fields; MAP: key and value; UNION: the members.</summary>
    public ColumnShape[] Children { get; }

    /// <summary>A type that is read without its logical type.</summary>
    public static ColumnShape Plain(DuckDbType type) => new(type, 0, []) { Storage = type };

    /// <summary>Whether <paramref name="type"/> needs <see cref="Describe"/> (its logical type) to be read.</summary>
    public static bool NeedsLogicalType(DuckDbType type) => type is not (
        DuckDbType.Boolean or DuckDbType.TinyInt or DuckDbType.SmallInt or DuckDbType.Integer or DuckDbType.BigInt
        or DuckDbType.UTinyInt or DuckDbType.USmallInt or DuckDbType.UInteger or DuckDbType.UBigInt
        or DuckDbType.HugeInt or DuckDbType.UHugeInt or DuckDbType.Float or DuckDbType.Double
        or DuckDbType.Varchar or DuckDbType.Blob or DuckDbType.Date or DuckDbType.Time or DuckDbType.TimeNanoseconds
        or DuckDbType.TimeTz or DuckDbType.Interval or DuckDbType.Uuid or DuckDbType.Bit
        or DuckDbType.Timestamp or DuckDbType.TimestampSeconds or DuckDbType.TimestampMilliseconds
        or DuckDbType.TimestampNanoseconds or DuckDbType.TimestampTz);

    /// <summary>The shape of <paramref name="logicalType"/>, whose ownership (and that of every child type) goes to <paramref name="owner"/>.</summary>
    public static ColumnShape Describe(nint logicalType, ResultHandle owner)
    {
        owner.OwnType(logicalType);
        var type = (DuckDbType)NativeMethods.duckdb_get_type_id(logicalType);
        switch (type)
        {
            case DuckDbType.Decimal:
                return new ColumnShape(type, logicalType, [])
                {
                    Storage = (DuckDbType)NativeMethods.duckdb_decimal_internal_type(logicalType),
                    Width = NativeMethods.duckdb_decimal_width(logicalType),
                    Scale = NativeMethods.duckdb_decimal_scale(logicalType),
                };
            case DuckDbType.Enum:
                return new ColumnShape(type, logicalType, []) { Storage = (DuckDbType)NativeMethods.duckdb_enum_internal_type(logicalType) };
            case DuckDbType.List:
                return Nested(type, logicalType, [Describe(NativeMethods.duckdb_list_type_child_type(logicalType), owner)]);
            case DuckDbType.Array:
                return new ColumnShape(type, logicalType, [Describe(NativeMethods.duckdb_array_type_child_type(logicalType), owner)])
                {
                    Storage = type,
                    ArraySize = NativeMethods.duckdb_array_type_array_size(logicalType),
                };
            case DuckDbType.Map:
                return Nested(type, logicalType,
                [
                    Describe(NativeMethods.duckdb_map_type_key_type(logicalType), owner),
                    Describe(NativeMethods.duckdb_map_type_value_type(logicalType), owner),
                ]);
            case DuckDbType.Struct:
            {
                var count = NativeMethods.duckdb_struct_type_child_count(logicalType);
                var children = new ColumnShape[count];
                for (var i = 0UL; i < count; i++)
                {
                    children[i] = Describe(NativeMethods.duckdb_struct_type_child_type(logicalType, i), owner);
                }

                return Nested(type, logicalType, children);
            }

            case DuckDbType.Union:
            {
                var count = NativeMethods.duckdb_union_type_member_count(logicalType);
                var children = new ColumnShape[count];
                for (var i = 0UL; i < count; i++)
                {
                    children[i] = Describe(NativeMethods.duckdb_union_type_member_type(logicalType, i), owner);
                }

                return Nested(type, logicalType, children);
            }

            default:
                return new ColumnShape(type, logicalType, []) { Storage = type };
        }
    }

    /// <summary>The label of enum entry <paramref name="index"/>; the dictionary is read once per column.</summary>
    public unsafe string EnumLabel(ulong index)
    {
        if (_enumLabels is null)
        {
            var size = NativeMethods.duckdb_enum_dictionary_size(LogicalType);
            var labels = new string[size];
            for (var i = 0u; i < size; i++)
            {
                labels[i] = Utf8Text.ReadAndFree(NativeMethods.duckdb_enum_dictionary_value(LogicalType, i));
            }

            _enumLabels = labels;
        }

        return index < (ulong)_enumLabels.Length
            ? _enumLabels[index]
            : throw new InvalidOperationException($"Enum index {index} is outside the dictionary ({_enumLabels.Length} labels).");
    }

    private static ColumnShape Nested(DuckDbType type, nint logicalType, ColumnShape[] children) =>
        new(type, logicalType, children) { Storage = type };
}
