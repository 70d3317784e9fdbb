using System.Runtime.CompilerServices;
using Gateway.Catalog.DuckDb.Internal;

namespace Gateway.Catalog.DuckDb;

// Typed cell access. Each getter accepts the column types it can read without losing information (integers are
// range-checked) and throws InvalidCastException for the others; reading a NULL cell throws InvalidOperationException.
public sealed unsafe partial class DuckDbResult
{
    /// <summary>A BOOLEAN cell.</summary>
    public bool GetBoolean(int column, long row)
    {
        var data = Cell(column, row, out var index);
        return _types[column] == DuckDbType.Boolean ? ((byte*)data)[index] != 0 : throw Mismatch(column, "BOOLEAN");
    }

    /// <summary>An integer cell of any width that fits an <see cref="int"/>.</summary>
    /// <exception cref="OverflowException">The value does not fit.</exception>
    public int GetInt32(int column, long row) => checked((int)GetInteger(column, row, "an integer type"));

    /// <summary>An integer cell of any width that fits a <see cref="long"/>.</summary>
    /// <exception cref="OverflowException">The value does not fit.</exception>
    public long GetInt64(int column, long row) => checked((long)GetInteger(column, row, "an integer type"));

    /// <summary>A DOUBLE or FLOAT cell (or an integer or DECIMAL one, converted).</summary>
    public double GetDouble(int column, long row)
    {
        var data = Cell(column, row, out var index);
        return _types[column] switch
        {
            DuckDbType.Double => ((double*)data)[index],
            DuckDbType.Float => ((float*)data)[index],
            DuckDbType.Decimal => DecimalAsDouble(_shapes[column], data, index),
            var t when IsInteger(t) => (double)Vectors.Integer(t, data, index),
            _ => throw Mismatch(column, "DOUBLE, FLOAT, DECIMAL or an integer type"),
        };
    }

    /// <summary>A DECIMAL cell (or an integer one), exactly.</summary>
    /// <exception cref="OverflowException">The value needs more than <see cref="decimal"/>'s 96 bits or 28 decimals.</exception>
    public decimal GetDecimal(int column, long row)
    {
        var data = Cell(column, row, out var index);
        return _types[column] switch
        {
            DuckDbType.Decimal => Vectors.Decimal(_shapes[column], data, index),
            var t when IsInteger(t) => (decimal)Vectors.Integer(t, data, index),
            _ => throw Mismatch(column, "DECIMAL or an integer type"),
        };
    }

    /// <summary>A VARCHAR (or JSON) cell, or an ENUM's label.</summary>
    public string GetString(int column, long row)
    {
        var data = Cell(column, row, out var index);
        return _types[column] switch
        {
            DuckDbType.Varchar => Vectors.String(data, index),
            DuckDbType.Enum => EnumLabel(column, data, index),
            _ => throw Mismatch(column, "VARCHAR or ENUM"),
        };
    }

    /// <summary>A BLOB cell's bytes.</summary>
    public byte[] GetBlob(int column, long row)
    {
        var data = Cell(column, row, out var index);
        return _types[column] == DuckDbType.Blob ? Vectors.Bytes(data, index).ToArray() : throw Mismatch(column, "BLOB");
    }

    /// <summary>
    /// A TIMESTAMP (any unit) or TIMESTAMP WITH TIME ZONE cell as a UTC instant; DuckDB's ±infinity become
    /// <see cref="DateTimeOffset.MaxValue"/>/<see cref="DateTimeOffset.MinValue"/>.
    /// </summary>
    /// <exception cref="OverflowException">A finite value outside years 1–9999.</exception>
    public DateTimeOffset GetTimestamp(int column, long row)
    {
        var data = Cell(column, row, out var index);
        return IsTimestamp(_types[column]) ? Vectors.Timestamp(_types[column], data, index) : throw Mismatch(column, "TIMESTAMP or TIMESTAMPTZ");
    }

    /// <summary>A DATE cell; DuckDB's ±infinity become <see cref="DateOnly.MaxValue"/>/<see cref="DateOnly.MinValue"/>.</summary>
    /// <exception cref="OverflowException">A finite value outside years 1–9999.</exception>
    public DateOnly GetDate(int column, long row)
    {
        var data = Cell(column, row, out var index);
        return _types[column] == DuckDbType.Date ? Vectors.Date(data, index) : throw Mismatch(column, "DATE");
    }

    /// <summary>
    /// The cell as a CLR value chosen by the column type, or null for NULL: BOOLEAN → bool; TINYINT…BIGINT → sbyte,
    /// short, int, long; UTINYINT…UBIGINT → byte, ushort, uint, ulong; HUGEINT → Int128; UHUGEINT → UInt128; FLOAT →
    /// float; DOUBLE → double; DECIMAL → decimal; VARCHAR → string; ENUM → its label; BLOB → byte[]; DATE → DateOnly;
    /// TIME → TimeOnly; TIMESTAMP (any unit) and TIMESTAMPTZ → DateTimeOffset in UTC; UUID → Guid. Every other type
    /// (INTERVAL, LIST, ARRAY, STRUCT, MAP, UNION, BIT, TIMETZ, TIME_NS) → DuckDB's own VARCHAR text of the value.
    /// </summary>
    /// <exception cref="NotSupportedException">BIGNUM, GEOMETRY and VARIANT: cast them in SQL.</exception>
    /// <exception cref="OverflowException">A DECIMAL beyond <see cref="decimal"/>, or a date/time outside years 1–9999.</exception>
    public object? GetValue(int column, long row)
    {
        var (chunk, index) = Locate(column, row);
        if (!Vectors.IsValid((ulong*)chunk.Validity[column], index))
        {
            return null;
        }

        var data = (void*)chunk.Data[column];
        var type = _types[column];
        return type switch
        {
            DuckDbType.Boolean => ((byte*)data)[index] != 0,
            DuckDbType.TinyInt => ((sbyte*)data)[index],
            DuckDbType.SmallInt => ((short*)data)[index],
            DuckDbType.Integer => ((int*)data)[index],
            DuckDbType.BigInt => ((long*)data)[index],
            DuckDbType.UTinyInt => ((byte*)data)[index],
            DuckDbType.USmallInt => ((ushort*)data)[index],
            DuckDbType.UInteger => ((uint*)data)[index],
            DuckDbType.UBigInt => ((ulong*)data)[index],
            DuckDbType.HugeInt => Vectors.HugeInt(data, index),
            DuckDbType.UHugeInt => Vectors.UHugeInt(data, index),
            DuckDbType.Float => ((float*)data)[index],
            DuckDbType.Double => ((double*)data)[index],
            DuckDbType.Decimal => Vectors.Decimal(_shapes[column], data, index),
            DuckDbType.Varchar => Vectors.String(data, index),
            DuckDbType.Enum => EnumLabel(column, data, index),
            DuckDbType.Blob => Vectors.Bytes(data, index).ToArray(),
            DuckDbType.Date => Vectors.Date(data, index),
            DuckDbType.Time => Vectors.Time(data, index),
            DuckDbType.Uuid => Vectors.Uuid(data, index),
            var t when IsTimestamp(t) => Vectors.Timestamp(t, data, index),
            _ => CellText.Render(_shapes[column], chunk.Vectors[column], index),
        };
    }

    private static bool IsInteger(DuckDbType type) => type is DuckDbType.TinyInt or DuckDbType.SmallInt or DuckDbType.Integer
        or DuckDbType.BigInt or DuckDbType.UTinyInt or DuckDbType.USmallInt or DuckDbType.UInteger or DuckDbType.UBigInt
        or DuckDbType.HugeInt or DuckDbType.UHugeInt;

    private static bool IsTimestamp(DuckDbType type) => type is DuckDbType.Timestamp or DuckDbType.TimestampTz
        or DuckDbType.TimestampSeconds or DuckDbType.TimestampMilliseconds or DuckDbType.TimestampNanoseconds;

    private static double DecimalAsDouble(ColumnShape shape, void* data, long index) =>
        (double)Vectors.Integer(shape.Storage, data, index) / Math.Pow(10, shape.Scale);

    private Int128 GetInteger(int column, long row, string expected, [CallerMemberName] string getter = "")
    {
        var data = Cell(column, row, out var index, getter);
        var type = _types[column];
        return IsInteger(type) ? Vectors.Integer(type, data, index) : throw Mismatch(column, expected, getter);
    }

    private string EnumLabel(int column, void* data, long index)
    {
        var shape = _shapes[column];
        return shape.EnumLabel(Vectors.EnumIndex(shape.Storage, data, index));
    }

    /// <summary>The data pointer of a non-NULL cell's vector and the row's index in it.</summary>
    private void* Cell(int column, long row, out long index, [CallerMemberName] string getter = "")
    {
        var (chunk, at) = Locate(column, row);
        if (!Vectors.IsValid((ulong*)chunk.Validity[column], at))
        {
            throw new InvalidOperationException(
                $"Row {row} of column {column} ('{_names[column]}') is NULL; check IsNull before calling {getter}, or use GetValue.");
        }

        index = at;
        return (void*)chunk.Data[column];
    }

    private InvalidCastException Mismatch(int column, string expected, [CallerMemberName] string getter = "") =>
        new($"Column {column} ('{_names[column]}') is {_types[column]}; {getter} reads {expected}. GetValue reads any type.");
}
