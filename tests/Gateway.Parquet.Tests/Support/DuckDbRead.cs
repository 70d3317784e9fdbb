using System.Globalization;
using Gateway.Catalog.DuckDb;

namespace Gateway.Parquet.Tests.Support;

/// <summary>Reads our files with DuckDB (libduckdb through the catalog's binding), the second foreign reader.</summary>
internal static class DuckDbRead
{
    private static readonly Lazy<DuckDbDatabase> Database = new(() => DuckDbDatabase.Open());

    /// <summary>
    /// The rows of <paramref name="path"/> in file order, one cell per schema column: DATE as days since 1970 and
    /// TIMESTAMP as epoch ms (DuckDB's ranges are wider than .NET's DateOnly/DateTimeOffset), other types as DuckDB gives them.
    /// </summary>
    public static IReadOnlyList<object?[]> Rows(ParquetSchema schema, string path)
    {
        var select = schema.Columns.Select(c => c.Logical switch
        {
            ParquetLogicalType.Date => $"(\"{c.Name}\" - DATE '1970-01-01')",
            ParquetLogicalType.TimestampMillis => $"epoch_ms(\"{c.Name}\")",
            _ => $"\"{c.Name}\"",
        });
        using var connection = Database.Value.Connect();
        return connection.Rows(
            $"SELECT {string.Join(", ", select)} FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}', file_row_number = true) ORDER BY file_row_number");
    }

    /// <summary>Asserts that DuckDB decoded exactly the rows of <paramref name="table"/> from <paramref name="path"/>.</summary>
    public static void AssertReadBack(TestTable table, string path)
    {
        var rows = Rows(table.Schema, path);
        Assert.True(table.Rows.Count == rows.Count, $"{Path.GetFileName(path)}: wrote {table.Rows.Count} rows, DuckDB read {rows.Count}.");
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < table.Schema.Columns.Count; c++)
            {
                var column = table.Schema.Columns[c];
                var expected = table.Rows[r][c];
                var actual = rows[r][c];
                if (!Matches(column, expected, actual))
                {
                    Assert.Fail($"{Path.GetFileName(path)} row {r} column '{column.Name}': wrote {Text(expected)}, DuckDB read {Text(actual)}.");
                }
            }
        }
    }

    private static bool Matches(ParquetColumn column, object? expected, object? actual)
    {
        if (expected is null || actual is null)
        {
            return expected is null && actual is null;
        }

        return (column.Type, column.Logical) switch
        {
            (ParquetPhysicalType.Boolean, _) => actual is bool b && b == (bool)expected,
            (ParquetPhysicalType.Int32, ParquetLogicalType.Date) => Convert.ToInt64(actual, CultureInfo.InvariantCulture) == Days(expected),
            (ParquetPhysicalType.Int32, _) => actual is int i && i == (int)expected,
            (ParquetPhysicalType.Int64, ParquetLogicalType.TimestampMillis) => Convert.ToInt64(actual, CultureInfo.InvariantCulture) == Millis(expected),
            (ParquetPhysicalType.Int64, _) => actual is long l && l == Convert.ToInt64(expected, CultureInfo.InvariantCulture),
            (ParquetPhysicalType.Double, _) => actual is double d && (double.IsNaN((double)expected)
                ? double.IsNaN(d)
                : BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits((double)expected)),
            (ParquetPhysicalType.ByteArray, ParquetLogicalType.String) => actual is string s && s == (string)expected,
            _ => actual is byte[] bytes && bytes.AsSpan().SequenceEqual((byte[])expected),
        };
    }

    private static long Days(object value) => value is DateOnly date ? date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber : (int)value;

    private static long Millis(object value) => value is DateTimeOffset time ? time.ToUnixTimeMilliseconds() : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static string Text(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        byte[] bytes => $"bytes {Convert.ToHexString(bytes)}",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => $"{f.ToString(null, CultureInfo.InvariantCulture)} ({value.GetType().Name})",
        _ => value.ToString() ?? "?",
    };
}
