using Gateway.Catalog.DuckDb;
using Gateway.Catalog.Queries;

namespace Gateway.Catalog.Tests.Queries;

public sealed class QueryParameterTests : IDisposable
{
    private static readonly FixedClock Clock = new(new DateTimeOffset(2025, 6, 15, 13, 45, 30, 250, TimeSpan.Zero));

    private static readonly NamedQuery Probe = NamedQuery.Parse("probe", """
        -- Returns each parameter as the engine reads it.
        --
        -- @param d date required A date.
        -- @param t timestamp default=today-1d A timestamp.
        -- @param n integer(1..100) default=10 A whole number.
        -- @param x number(0..) default=2.5 A decimal.
        -- @param s string default='' Any text.
        -- @param l list default='' A comma-separated list.
        -- @param c choice(day|hour) default=day A choice.
        -- @engines athena duckdb
        SELECT {{d}} AS d, {{t}} AS t, {{n}} AS n, {{x}} AS x, {{s}} AS s, {{l}} AS l, {{c}} AS c
        """);

    private readonly DuckDbDatabase _database = DuckDbDatabase.Open();
    private readonly DuckDbConnection _connection;

    public QueryParameterTests() => _connection = _database.Connect();

    public void Dispose()
    {
        _connection.Dispose();
        _database.Dispose();
    }

    [Theory]
    [InlineData("2025-06-01", "TIMESTAMP '2025-06-01 00:00:00'")]
    [InlineData("2025-06-01 12:30", "TIMESTAMP '2025-06-01 12:30:00'")]
    [InlineData(" 2025-06-01T12:30:45Z ", "TIMESTAMP '2025-06-01 12:30:45'")]
    [InlineData("2025-06-01 12:30:45.5", "TIMESTAMP '2025-06-01 12:30:45.500'")]
    // An offset is converted to UTC, across the day.
    [InlineData("2025-06-01T01:30:00+02:00", "TIMESTAMP '2025-05-31 23:30:00'")]
    [InlineData("2025-06-01 20:00:00-05:30", "TIMESTAMP '2025-06-02 01:30:00'")]
    // Relative to the clock (2025-06-15 13:45:30.250 UTC): now drops the fraction, today is midnight.
    [InlineData("now", "TIMESTAMP '2025-06-15 13:45:30'")]
    [InlineData("today", "TIMESTAMP '2025-06-15 00:00:00'")]
    [InlineData("today-7d", "TIMESTAMP '2025-06-08 00:00:00'")]
    [InlineData("Today + 1d", "TIMESTAMP '2025-06-16 00:00:00'")]
    [InlineData("now-6h", "TIMESTAMP '2025-06-15 07:45:30'")]
    [InlineData("NOW - 90m", "TIMESTAMP '2025-06-15 12:15:30'")]
    public void Timestamps_are_rendered_in_utc(string value, string literal)
    {
        Assert.Contains($"{literal} AS t", Render(("t", value)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-06-01", "DATE '2025-06-01'")]
    [InlineData("today", "DATE '2025-06-15'")]
    [InlineData("today-14d", "DATE '2025-06-01'")]
    public void Dates_are_rendered_as_date_literals(string value, string literal)
    {
        Assert.Contains($"{literal} AS d", Render(("d", value)), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_type_reaches_the_engine_with_its_value()
    {
        var sql = Render(("d", "2024-02-29"), ("t", "2024-12-31 23:59:59.999"), ("n", "42"), ("x", "0.125"), ("s", "O'Brien"), ("l", " a , b "), ("c", "HOUR"));

        using var result = _connection.Query(sql);

        Assert.Equal(new DateOnly(2024, 2, 29), result.GetValue(0, 0));
        Assert.Equal(new DateTimeOffset(2024, 12, 31, 23, 59, 59, 999, TimeSpan.Zero), result.GetValue(1, 0));
        Assert.Equal(42, result.GetInt64(2, 0));
        Assert.Equal(0.125, result.GetValue(3, 0));
        Assert.Equal(DuckDbType.Double, result.ColumnType(3));
        Assert.Equal("O'Brien", result.GetValue(4, 0));
        Assert.Equal("a,b", result.GetValue(5, 0));
        Assert.Equal("hour", result.GetValue(6, 0));
    }

    // Each value must come back from the engine as the same text, and the statement must stay one SELECT.
    [Theory]
    [InlineData("x' OR '1'='1")]
    [InlineData("'; DROP TABLE events; --")]
    [InlineData("it''s")]
    [InlineData("back\\slash\\")]
    [InlineData("\\'")]
    [InlineData("\"quoted\" identifier")]
    [InlineData("$$dollar$$ $tag$")]
    [InlineData("U&'\\0041'")]
    [InlineData("E'\\x41'")]
    [InlineData("{{d}} {{ s }}")]
    [InlineData("/* not a comment */ -- nor this")]
    [InlineData("emoji 😀 and ü")]
    public void Hostile_strings_stay_one_literal(string value)
    {
        var sql = Render(("s", value), ("l", value.Replace(",", "", StringComparison.Ordinal)));

        using var result = _connection.Query(sql);

        Assert.Equal(1, result.RowCount);
        Assert.Equal(7, result.ColumnCount);
        Assert.Equal(value, result.GetValue(4, 0));
        Assert.Equal(value.Replace(",", "", StringComparison.Ordinal).Trim(), result.GetValue(5, 0));
    }

    [Theory]
    // The parameter, the value, and a fragment of the message that says what to write instead.
    [InlineData("d", "2025-13-01", "write YYYY-MM-DD")]
    [InlineData("d", "now", "today with an optional offset")]
    [InlineData("d", "today-2h", "in days")]
    [InlineData("t", "06/01/2025", "write YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS[.fff]]")]
    [InlineData("t", "2025-06-01 12:30:45.1234", "more than 3 fractional digits")]
    [InlineData("t", "2025-06-01T12:30:00+25:00", "write YYYY-MM-DD")]
    [InlineData("t", "yesterday", "now/today")]
    [InlineData("t", "today-9999999d", "now/today")]
    [InlineData("t", "today-999999d", "outside years 1 to 9999")]
    [InlineData("n", "0", "out of range (from 1 to 100)")]
    [InlineData("n", "101", "out of range (from 1 to 100)")]
    [InlineData("n", "1e3", "not a whole number (from 1 to 100)")]
    [InlineData("n", "3.0", "not a whole number")]
    [InlineData("n", "99999999999999999999", "not a whole number")]
    [InlineData("x", "-0.5", "out of range (at least 0)")]
    [InlineData("x", "NaN", "not a decimal number")]
    [InlineData("x", "1e5", "no exponent")]
    [InlineData("x", "1,5", "not a decimal number")]
    [InlineData("s", "two\nlines", "control character (U+000A) at position 4")]
    [InlineData("s", "nul\0", "control character (U+0000)")]
    [InlineData("l", "a,,b", "empty item (number 2)")]
    [InlineData("l", "a,", "empty item (number 2)")]
    [InlineData("c", "week", "is not one of day, hour")]
    public void Bad_values_are_refused_naming_the_parameter_and_the_fix(string parameter, string value, string fix)
    {
        var values = new Dictionary<string, string> { ["d"] = "2025-06-01", [parameter] = value };

        var error = Assert.Throws<QueryParameterException>(() => Probe.Render(values, SqlDialect.DuckDb, Clock));

        Assert.Equal(parameter, error.ParamName);
        Assert.Equal("probe", error.Query);
        Assert.StartsWith($"probe: parameter '{parameter}' (", error.Message, StringComparison.Ordinal);
        Assert.Contains(fix, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_is_refused()
    {
        // Not an InlineData: the test runner's serialization turns the surrogate into U+FFFD.
        var error = Assert.Throws<QueryParameterException>(() => Render(("s", "a\uD800b")));

        Assert.Contains("unpaired UTF-16 surrogate at position 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_string_longer_than_the_limit_is_refused()
    {
        var error = Assert.Throws<QueryParameterException>(() => Render(("s", new string('a', QueryParameter.MaxTextLength + 1))));

        Assert.Contains($"at most {QueryParameter.MaxTextLength}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_parameter_is_named_with_an_example()
    {
        var error = Assert.Throws<QueryParameterException>(() => Probe.Render(new Dictionary<string, string>(), SqlDialect.DuckDb, Clock));

        Assert.Equal("d", error.ParamName);
        Assert.Equal("probe: parameter 'd' is required (date: A date.); give it a value, e.g. d=2025-06-01.", error.Message);
    }

    [Fact]
    public void An_unknown_parameter_is_named_with_the_ones_there_are()
    {
        var error = Assert.Throws<QueryParameterException>(() => Render(("pixel", "x")));

        Assert.Equal("pixel", error.ParamName);
        Assert.Equal("probe has no parameter 'pixel'; its parameters are d, t, n, x, s, l, c.", error.Message);
    }

    [Fact]
    public void Names_are_case_insensitive_but_a_parameter_is_given_once()
    {
        Assert.Contains("42 AS n", Render(("N", "42")), StringComparison.Ordinal);

        var error = Assert.Throws<QueryParameterException>(() => Render(("n", "1"), ("N", "2")));

        Assert.Contains("given twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_fill_what_is_not_given()
    {
        var sql = Render();

        Assert.Contains("TIMESTAMP '2025-06-14 00:00:00' AS t, 10 AS n, CAST(2.5 AS DOUBLE) AS x, '' AS s, '' AS l, 'day' AS c", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_describe_themselves_for_help_output()
    {
        Assert.Equal(
            [
                "d=date (required): A date.",
                "t=timestamp (default today-1d): A timestamp.",
                "n=integer(1..100) (default 10): A whole number.",
                "x=number(0..) (default 2.5): A decimal.",
                "s=string (default ''): Any text.",
                "l=list (default ''): A comma-separated list.",
                "c=choice(day|hour) (default day): A choice.",
            ],
            Probe.Parameters.Select(p => p.ToString()));
        Assert.Equal(1m, Probe.Parameters[2].Minimum);
        Assert.Null(Probe.Parameters[3].Maximum);
        Assert.Equal(["day", "hour"], Probe.Parameters[6].Choices);
    }

    [Fact]
    public void A_query_renders_only_for_its_engines()
    {
        var athenaOnly = NamedQuery.Parse("athena_only", "-- Only for Athena.\n-- @engines athena\nSELECT 1\n");

        var error = Assert.Throws<InvalidOperationException>(() => athenaOnly.Render(new Dictionary<string, string>(), SqlDialect.DuckDb));

        Assert.Contains("athena_only is not written for DuckDb", error.Message, StringComparison.Ordinal);
    }

    private static string Render(params (string Name, string Value)[] values)
    {
        var all = values.ToDictionary(v => v.Name, v => v.Value);
        if (!values.Any(v => v.Name.Equals("d", StringComparison.OrdinalIgnoreCase)))
        {
            all["d"] = "2025-06-01";
        }

        return Probe.Render(all, SqlDialect.DuckDb, Clock);
    }
}
