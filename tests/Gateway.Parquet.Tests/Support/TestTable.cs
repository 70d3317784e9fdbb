using System.Globalization;
using System.Text.Json.Nodes;

namespace Gateway.Parquet.Tests.Support;

/// <summary>
/// Rows to write and compare. Cell values by column: bool; int (INT32) or DateOnly (DATE); long (INT64) or
/// DateTimeOffset/long epoch ms (TIMESTAMP); double; string (STRING); byte[] (plain BYTE_ARRAY); null.
/// </summary>
internal sealed record TestTable(ParquetSchema Schema, IReadOnlyList<object?[]> Rows)
{
    public TestTable(IEnumerable<ParquetColumn> columns, IEnumerable<object?[]> rows)
        : this(new ParquetSchema(columns), rows.ToList())
    {
    }

    /// <summary>Writes the table to a byte array through the public writer API.</summary>
    public byte[] ToBytes(ParquetWriterOptions options)
    {
        using var stream = new MemoryStream();
        using (var writer = ParquetWriter.Create(stream, Schema, options, leaveOpen: true))
        {
            WriteRows(writer);
        }

        return stream.ToArray();
    }

    /// <summary>Writes the table to a file in <paramref name="directory"/>; returns its path.</summary>
    public string ToFile(string directory, string name, ParquetWriterOptions options)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, ToBytes(options));
        return path;
    }

    public void WriteRows(ParquetWriter writer)
    {
        var columns = Schema.Columns.Count;
        for (var r = 0; r < Rows.Count; r++)
        {
            var row = Rows[r];
            for (var k = 0; k < columns; k++)
            {
                // Odd rows set their columns back to front: the API takes columns in any order.
                var c = r % 2 == 0 ? k : columns - 1 - k;
                WriteCell(writer, c, row[c], leaveNullUnset: r % 3 == 1);
            }

            writer.EndRow();
        }
    }

    /// <summary>Asserts that hyparquet decoded exactly these rows.</summary>
    public void AssertReadBack(HyparquetFile file)
    {
        file.EnsureOk();
        Assert.True(Rows.Count == file.Rows.Count, $"{file.File}: wrote {Rows.Count} rows, hyparquet read {file.Rows.Count}.");
        Assert.Equal(Rows.Count, file.NumRows);
        for (var r = 0; r < Rows.Count; r++)
        {
            var actual = file.Rows[r]!.AsArray();
            for (var c = 0; c < Schema.Columns.Count; c++)
            {
                var column = Schema.Columns[c];
                var expected = Rows[r][c];
                if (!CellMatches(column, expected, actual[c]))
                {
                    Assert.Fail($"{Path.GetFileName(file.File)} row {r} column '{column.Name}': wrote {Describe(expected)}, hyparquet read {actual[c]?.ToJsonString() ?? "null"}.");
                }
            }
        }
    }

    private static void WriteCell(ParquetWriter writer, int column, object? value, bool leaveNullUnset)
    {
        switch (value)
        {
            case null when leaveNullUnset:
                break;
            case null:
                writer.WriteNull(column);
                break;
            case bool b:
                writer.Write(column, b);
                break;
            case int i:
                writer.Write(column, i);
                break;
            case long l:
                writer.Write(column, l);
                break;
            case double d:
                writer.Write(column, d);
                break;
            case string s:
                writer.Write(column, s);
                break;
            case byte[] bytes:
                writer.Write(column, bytes.AsSpan());
                break;
            case DateOnly date:
                writer.Write(column, date);
                break;
            case DateTimeOffset time:
                writer.Write(column, time);
                break;
            default:
                throw new ArgumentException($"No writer for {value.GetType()}.", nameof(value));
        }
    }

    private static bool CellMatches(ParquetColumn column, object? expected, JsonNode? actual)
    {
        if (expected is null)
        {
            return actual is null;
        }

        if (actual is null)
        {
            return false;
        }

        return (column.Type, column.Logical) switch
        {
            (ParquetPhysicalType.Boolean, _) => actual.GetValue<bool>() == (bool)expected,
            (ParquetPhysicalType.Int32, ParquetLogicalType.Date) => IsNumber(actual, out var ms) && ms == Days(expected) * 86_400_000L,
            (ParquetPhysicalType.Int32, _) => IsNumber(actual, out var i) && i == (int)expected,
            (ParquetPhysicalType.Int64, ParquetLogicalType.TimestampMillis) => IsNumber(actual, out var ms) && ms == Millis(expected),
            (ParquetPhysicalType.Int64, _) => actual.GetValue<string>() == Convert.ToInt64(expected, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            (ParquetPhysicalType.Double, _) => DoubleMatches((double)expected, actual),
            (ParquetPhysicalType.ByteArray, ParquetLogicalType.String) => actual.GetValue<string>() == (string)expected,
            _ => actual["base64"]?.GetValue<string>() == Convert.ToBase64String((byte[])expected),
        };
    }

    private static bool IsNumber(JsonNode node, out long value)
    {
        value = 0;
        if (node is JsonValue json && json.TryGetValue<long>(out var number))
        {
            value = number;
            return true;
        }

        return false;
    }

    private static long Days(object value) => value is DateOnly date ? date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber : (int)value;

    private static long Millis(object value) => value is DateTimeOffset time ? time.ToUnixTimeMilliseconds() : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static bool DoubleMatches(double expected, JsonNode actual)
    {
        if (actual is JsonValue text && text.TryGetValue<string>(out var special))
        {
            return special switch
            {
                "NaN" => double.IsNaN(expected),
                "Infinity" => double.IsPositiveInfinity(expected),
                "-Infinity" => double.IsNegativeInfinity(expected),
                "-0" => BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(-0.0),
                _ => false,
            };
        }

        // JavaScript prints the shortest text that round-trips, so parsing it gives back the exact bits.
        return BitConverter.DoubleToInt64Bits(actual.GetValue<double>()) == BitConverter.DoubleToInt64Bits(expected);
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        byte[] bytes => $"bytes {Convert.ToHexString(bytes)}",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "?",
    };
}
