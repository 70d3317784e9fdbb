using Gateway.Catalog.DuckDb;

namespace Gateway.Catalog.Tests.DuckDb;

public sealed class DuckDbTypeTests : InMemoryDuckDb
{
    [Fact]
    public void Every_supported_type_round_trips_through_a_table_with_a_row_of_nulls()
    {
        Connection.Execute("""
            CREATE TYPE mood AS ENUM ('sad', 'happy');
            CREATE TABLE every_type (
                b BOOLEAN, i8 TINYINT, i16 SMALLINT, i32 INTEGER, i64 BIGINT,
                u8 UTINYINT, u16 USMALLINT, u32 UINTEGER, u64 UBIGINT, h HUGEINT, uh UHUGEINT,
                f FLOAT, d DOUBLE, dec DECIMAL(18, 3), s VARCHAR, bl BLOB, dt DATE, tm TIME,
                ts TIMESTAMP, tstz TIMESTAMPTZ, id UUID, e mood);
            INSERT INTO every_type VALUES (
                true, -128, -32768, -2147483648, -9223372036854775808,
                255, 65535, 4294967295, 18446744073709551615,
                -170141183460469231731687303715884105728, 340282366920938463463374607431768211455,
                1.5, -2.25, -123456789012345.678, 'duck', '\xAA\x00\xBB'::BLOB, DATE '2024-02-29', TIME '13:14:15.123456',
                TIMESTAMP '2024-02-29 13:14:15.123456', TIMESTAMPTZ '2024-02-29 13:14:15.123456+05:30',
                '00112233-4455-6677-8899-aabbccddeeff', 'happy');
            INSERT INTO every_type DEFAULT VALUES;
            """);

        using var result = Connection.Query("SELECT * FROM every_type ORDER BY b NULLS LAST");

        object?[] expected =
        [
            true, (sbyte)-128, (short)-32768, int.MinValue, long.MinValue,
            byte.MaxValue, ushort.MaxValue, uint.MaxValue, ulong.MaxValue, Int128.MinValue, UInt128.MaxValue,
            1.5f, -2.25, -123456789012345.678m, "duck", new byte[] { 0xAA, 0x00, 0xBB }, new DateOnly(2024, 2, 29),
            new TimeOnly(13, 14, 15).Add(TimeSpan.FromMicroseconds(123456)),
            new DateTimeOffset(2024, 2, 29, 13, 14, 15, TimeSpan.Zero).AddMicroseconds(123456),
            new DateTimeOffset(2024, 2, 29, 7, 44, 15, TimeSpan.Zero).AddMicroseconds(123456),
            Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), "happy",
        ];
        DuckDbType[] types =
        [
            DuckDbType.Boolean, DuckDbType.TinyInt, DuckDbType.SmallInt, DuckDbType.Integer, DuckDbType.BigInt,
            DuckDbType.UTinyInt, DuckDbType.USmallInt, DuckDbType.UInteger, DuckDbType.UBigInt, DuckDbType.HugeInt, DuckDbType.UHugeInt,
            DuckDbType.Float, DuckDbType.Double, DuckDbType.Decimal, DuckDbType.Varchar, DuckDbType.Blob, DuckDbType.Date, DuckDbType.Time,
            DuckDbType.Timestamp, DuckDbType.TimestampTz, DuckDbType.Uuid, DuckDbType.Enum,
        ];

        Assert.Equal(2, result.RowCount);
        Assert.Equal(expected.Length, result.ColumnCount);
        for (var c = 0; c < result.ColumnCount; c++)
        {
            Assert.Equal(types[c], result.ColumnType(c));
            var value = result.GetValue(c, 0);
            Assert.Equal(expected[c]!.GetType(), value?.GetType());
            Assert.Equal(expected[c], value);
            Assert.False(result.IsNull(c, 0));
            Assert.True(result.IsNull(c, 1), result.ColumnName(c));
            Assert.Null(result.GetValue(c, 1));
        }

        Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)result.GetValue(19, 0)!).Offset);
    }

    [Fact]
    public void Typed_getters_read_their_types_and_widen_integers()
    {
        using var result = Connection.Query("""
            SELECT true, 42::TINYINT, 9223372036854775807, 1.25::FLOAT, 2.5::DECIMAL(4, 1), 'text', '\x01\x02'::BLOB,
                   DATE '1999-12-31', TIMESTAMP '1999-12-31 23:59:59', 'happy'::ENUM('sad', 'happy')
            """);

        Assert.True(result.GetBoolean(0, 0));
        Assert.Equal(42, result.GetInt32(1, 0));
        Assert.Equal(42L, result.GetInt64(1, 0));
        Assert.Equal(long.MaxValue, result.GetInt64(2, 0));
        Assert.Equal(1.25, result.GetDouble(3, 0));
        Assert.Equal(2.5, result.GetDouble(4, 0));
        Assert.Equal(2.5m, result.GetDecimal(4, 0));
        Assert.Equal(42.0, result.GetDouble(1, 0));
        Assert.Equal("text", result.GetString(5, 0));
        Assert.Equal([1, 2], result.GetBlob(6, 0));
        Assert.Equal(new DateOnly(1999, 12, 31), result.GetDate(7, 0));
        Assert.Equal(new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero), result.GetTimestamp(8, 0));
        Assert.Equal("happy", result.GetString(9, 0));
    }

    [Fact]
    public void Getter_for_another_type_throws_invalid_cast_naming_the_column_type()
    {
        using var result = Connection.Query("SELECT 'x' AS s, 3000000000 AS big");

        var wrongType = Assert.Throws<InvalidCastException>(() => result.GetInt32(0, 0));
        Assert.Contains("'s'", wrongType.Message, StringComparison.Ordinal);
        Assert.Contains("Varchar", wrongType.Message, StringComparison.Ordinal);
        Assert.Contains("GetInt32", wrongType.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidCastException>(() => result.GetTimestamp(0, 0));
        // Widening is checked: an INTEGER getter never truncates a BIGINT silently.
        Assert.Throws<OverflowException>(() => result.GetInt32(1, 0));
    }

    [Fact]
    public void Getter_on_a_null_cell_throws_and_get_value_returns_null()
    {
        using var result = Connection.Query("SELECT NULL::INTEGER AS n");

        Assert.True(result.IsNull(0, 0));
        Assert.Null(result.GetValue(0, 0));
        var error = Assert.Throws<InvalidOperationException>(() => result.GetInt32(0, 0));
        Assert.Contains("NULL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TINYINT", "-128", "127")]
    [InlineData("SMALLINT", "-32768", "32767")]
    [InlineData("INTEGER", "-2147483648", "2147483647")]
    [InlineData("BIGINT", "-9223372036854775808", "9223372036854775807")]
    [InlineData("UBIGINT", "0", "18446744073709551615")]
    [InlineData("HUGEINT", "-170141183460469231731687303715884105728", "170141183460469231731687303715884105727")]
    [InlineData("UHUGEINT", "0", "340282366920938463463374607431768211455")]
    public void Integer_extremes_come_back_exactly(string type, string min, string max)
    {
        // Parenthesized: in SQL, -128::TINYINT is -(128::TINYINT).
        using var result = Connection.Query($"SELECT ({min})::{type} AS lo, ({max})::{type} AS hi");

        Assert.Equal(min, Convert.ToString(result.GetValue(0, 0), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(max, Convert.ToString(result.GetValue(1, 0), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Bigint_extremes_read_through_get_int64()
    {
        using var result = Connection.Query("SELECT (-9223372036854775808)::BIGINT, 9223372036854775807::BIGINT");

        Assert.Equal(long.MinValue, result.GetInt64(0, 0));
        Assert.Equal(long.MaxValue, result.GetInt64(1, 0));
    }

    [Fact]
    public void Double_special_values_come_back_bit_for_bit()
    {
        using var result = Connection.Query("""
            SELECT 'NaN'::DOUBLE, 'Infinity'::DOUBLE, '-Infinity'::DOUBLE, -0.0::DOUBLE, 4.9e-324::DOUBLE,
                   1.7976931348623157e308::DOUBLE, 'NaN'::FLOAT, 'Infinity'::FLOAT
            """);

        Assert.True(double.IsNaN(result.GetDouble(0, 0)));
        Assert.Equal(double.PositiveInfinity, result.GetDouble(1, 0));
        Assert.Equal(double.NegativeInfinity, result.GetDouble(2, 0));
        Assert.True(double.IsNegative(result.GetDouble(3, 0)));
        Assert.Equal(double.Epsilon, result.GetDouble(4, 0));
        Assert.Equal(double.MaxValue, result.GetDouble(5, 0));
        Assert.True(float.IsNaN((float)result.GetValue(6, 0)!));
        Assert.Equal(float.PositiveInfinity, result.GetValue(7, 0));
    }

    [Theory]
    [InlineData("DECIMAL(4, 1)", "-999.9")]
    [InlineData("DECIMAL(9, 4)", "12345.6789")]
    [InlineData("DECIMAL(18, 6)", "-999999999999.999999")]
    [InlineData("DECIMAL(28, 10)", "123456789012345678.0123456789")]
    [InlineData("DECIMAL(38, 2)", "-792281625142643375935439503.35")]
    [InlineData("DECIMAL(18, 3)", "0.001")]
    [InlineData("DECIMAL(5, 0)", "0")]
    public void Decimals_of_every_storage_width_are_exact(string type, string literal)
    {
        using var result = Connection.Query($"SELECT {literal}::{type}");

        var value = Assert.IsType<decimal>(result.GetValue(0, 0));
        Assert.Equal(decimal.Parse(literal, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Equal(literal, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Decimal_beyond_system_decimal_raises_overflow()
    {
        using var result = Connection.Query("SELECT 99999999999999999999999999999999999999::DECIMAL(38, 0)");

        var error = Assert.Throws<OverflowException>(() => result.GetValue(0, 0));
        Assert.Contains("VARCHAR", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("twelve bytes")] // exactly 12 bytes: the longest string DuckDB stores inline
    [InlineData("thirteen byte")] // 13 bytes: stored behind a pointer
    [InlineData("héllo wörld, größer als zwölf")]
    [InlineData("日本語のテキスト")]
    [InlineData("🦆 quack 🦆")]
    [InlineData("it's")]
    public void Unicode_text_round_trips_through_sql_literals(string text)
    {
        using var result = Connection.Query($"SELECT '{text.Replace("'", "''", StringComparison.Ordinal)}' AS \"spalte_größe\"");

        Assert.Equal(text, result.GetString(0, 0));
        Assert.Equal("spalte_größe", result.ColumnName(0));
    }

    [Fact]
    public void Blob_bytes_including_nul_round_trip()
    {
        using var result = Connection.Query("SELECT '\\x00\\xFF\\x00abc'::BLOB, ''::BLOB, repeat('\\xAB', 100)::BLOB");

        Assert.Equal([0x00, 0xFF, 0x00, (byte)'a', (byte)'b', (byte)'c'], (byte[])result.GetValue(0, 0)!);
        Assert.Empty((byte[])result.GetValue(1, 0)!);
        Assert.Equal(Enumerable.Repeat((byte)0xAB, 100), result.GetBlob(2, 0));
    }

    [Theory]
    [InlineData("[1, 2, NULL]::INTEGER[]")] // list with a NULL element
    [InlineData("['a', 'b c', '', NULL]")] // strings inside a list
    [InlineData("[]::VARCHAR[]")]
    [InlineData("{'a': 1, 'b': 'x', 'c': NULL}")] // struct with a NULL field
    [InlineData("MAP {'k': 1.5, 'j': NULL}")]
    [InlineData("[1, 2, 3]::INTEGER[3]")] // fixed-size array
    [InlineData("[[1.25, NULL], NULL, []]::DECIMAL(5, 2)[][]")]
    [InlineData("[{'t': TIMESTAMP '1960-01-01 00:00:00.5', 'u': '00112233-4455-6677-8899-aabbccddeeff'::UUID, 'd': DATE '2024-01-01'}]")]
    [InlineData("[{'h': 170141183460469231731687303715884105727::HUGEINT, 'b': '\\x00\\x01'::BLOB, 'f': 'NaN'::FLOAT}]")]
    [InlineData("[true, false]")]
    [InlineData("['sad', 'happy']::ENUM('sad', 'happy')[]")]
    [InlineData("union_value(num := 2)::UNION(num INTEGER, str VARCHAR)")]
    [InlineData("union_value(str := 'two')::UNION(num INTEGER, str VARCHAR)")]
    [InlineData("INTERVAL '1 year 2 months 3 days 04:05:06.789'")]
    [InlineData("-INTERVAL '36 hours'")]
    [InlineData("'101100'::BIT")]
    [InlineData("TIMETZ '12:30:00+02'")]
    [InlineData("'12:30:00.123456789'::TIME_NS")]
    [InlineData("[TIMESTAMPTZ '2024-01-01 00:00:00+00', NULL]")]
    [InlineData("[TIMESTAMP_NS '2024-01-01 00:00:00.000000001', TIMESTAMP_NS '1900-01-01 00:00:00']")]
    [InlineData("[TIMESTAMP_S '2024-01-01 00:00:01', TIMESTAMP_MS '2024-01-01 00:00:00.001']")]
    public void Types_without_a_clr_counterpart_read_as_duckdb_varchar_text(string expression)
    {
        using var result = Connection.Query($"SELECT x, CAST(x AS VARCHAR) FROM (SELECT {expression} AS x)");

        Assert.NotEqual(DuckDbType.Varchar, result.ColumnType(0));
        Assert.Equal(result.GetString(1, 0), result.GetValue(0, 0));
    }

    [Fact]
    public void Nested_text_survives_many_rows_across_chunks()
    {
        using var result = Connection.Query("SELECT [i, NULL, i * 2] AS l, {'i': i} AS s, CAST([i, NULL, i * 2] AS VARCHAR) AS t FROM range(3000) r(i)");

        for (long r = 0; r < result.RowCount; r += 997)
        {
            Assert.Equal(result.GetString(2, r), result.GetValue(0, r));
            Assert.Equal($"{{'i': {r}}}", result.GetValue(1, r));
        }
    }

    [Fact]
    public void Large_results_span_several_chunks_and_allow_random_access()
    {
        using var result = Connection.Query("SELECT i, 'row ' || i AS label, CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS sparse FROM range(10000) r(i) ORDER BY i");

        Assert.Equal(10000, result.RowCount);
        // Backwards and across chunk boundaries (DuckDB's vectors hold 2048 rows).
        foreach (var row in new long[] { 9999, 0, 2047, 2048, 4095, 4096, 5000, 1 })
        {
            Assert.Equal(row, result.GetInt64(0, row));
            Assert.Equal($"row {row}", result.GetString(1, row));
            Assert.Equal(row % 3 == 0, result.IsNull(2, row));
        }

        var sum = 0L;
        for (long r = 0; r < result.RowCount; r++)
        {
            sum += result.GetInt64(0, r);
        }

        Assert.Equal(9999L * 10000 / 2, sum);
    }

    [Fact]
    public void Row_and_column_out_of_range_throw()
    {
        using var result = Connection.Query("SELECT 1 AS one");

        Assert.Throws<ArgumentOutOfRangeException>(() => result.GetValue(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => result.GetValue(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => result.GetValue(-1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => result.ColumnName(1));
    }

    [Fact]
    public void Scalar_converts_losslessly_and_returns_default_for_null_or_no_rows()
    {
        Assert.Equal(42L, Connection.Scalar<long>("SELECT 42"));
        Assert.Equal(42, Connection.Scalar<int>("SELECT 42::BIGINT"));
        Assert.Equal("x", Connection.Scalar<string>("SELECT 'x'"));
        Assert.Null(Connection.Scalar<string>("SELECT NULL::VARCHAR"));
        Assert.Null(Connection.Scalar<long?>("SELECT NULL::BIGINT"));
        Assert.Equal(7L, Connection.Scalar<long?>("SELECT 7"));
        Assert.Equal(0, Connection.Scalar<int>("SELECT 1 WHERE false"));
        Assert.Throws<InvalidCastException>(() => Connection.Scalar<DateOnly>("SELECT 'x'"));
    }

    [Fact]
    public void Rows_returns_every_cell_as_a_clr_value()
    {
        var rows = Connection.Rows("SELECT * FROM (VALUES (1, 'a', NULL), (2, 'b', 2.5)) t(n, s, d) ORDER BY n");

        Assert.Equal(2, rows.Count);
        Assert.Equal([1, "a", null], rows[0]);
        Assert.Equal([2, "b", 2.5m], rows[1]);
    }

    [Fact]
    public void Statements_without_rows_return_an_empty_result()
    {
        using var result = Connection.Query("CREATE TABLE nothing (x INTEGER)");

        Assert.True(result.RowCount <= 1);
        using var empty = Connection.Query("SELECT * FROM nothing");
        Assert.Equal(0, empty.RowCount);
        Assert.Equal(1, empty.ColumnCount);
        Assert.Equal("x", empty.ColumnName(0));
        Assert.Equal(DuckDbType.Integer, empty.ColumnType(0));
    }

    [Fact]
    public void Execute_runs_several_statements_in_order()
    {
        Connection.Execute("CREATE TABLE seq (x INTEGER); INSERT INTO seq VALUES (1), (2); INSERT INTO seq SELECT x + 10 FROM seq;");

        Assert.Equal(26L, Connection.Scalar<long>("SELECT sum(x) FROM seq"));
    }

    [Fact]
    public void Library_version_is_duckdb_1_5()
    {
        Assert.StartsWith("v1.5.", DuckDbDatabase.LibraryVersion, StringComparison.Ordinal);
        Assert.Equal(DuckDbDatabase.LibraryVersion, Connection.Scalar<string>("SELECT version()"));
    }
}
