using Gateway.Catalog.Queries;

namespace Gateway.Catalog.Tests.Queries;

public sealed class NamedQueryParseTests
{
    private const string Good = """
        -- Events per thing: how many events each thing had.
        -- Columns: thing, events.
        --
        -- More detail in a second paragraph.
        --
        -- @param start timestamp default=today-1d First instant counted,
        --   inclusive (UTC).
        -- @param label string default='it''s here' A label with a quote.
        -- @param limit integer(1..) required How many rows.
        -- @engines athena, duckdb
        SELECT {{label}} AS thing, count(*) AS events
        FROM events
        WHERE event_time >= {{ start }}
        LIMIT {{limit}};
        """;

    [Fact]
    public void A_well_formed_header_gives_name_description_parameters_and_engines()
    {
        var query = NamedQuery.Parse("per_thing", Good, "/q/per_thing.sql");

        Assert.Equal("per_thing", query.Name);
        Assert.Equal("/q/per_thing.sql", query.Path);
        Assert.Equal("Events per thing: how many events each thing had.\nColumns: thing, events.\n\nMore detail in a second paragraph.", query.Description);
        Assert.Equal("Events per thing: how many events each thing had. Columns: thing, events.", query.Summary);
        Assert.Equal(["start", "label", "limit"], query.Parameters.Select(p => p.Name));
        Assert.Equal("First instant counted, inclusive (UTC).", query.Parameters[0].Description);
        Assert.Equal("it's here", query.Parameters[1].Default);
        Assert.True(query.Parameters[2].IsRequired);
        Assert.Equal(QueryParameterKind.Integer, query.Parameters[2].Kind);
        Assert.Equal([SqlDialect.Athena, SqlDialect.DuckDb], query.Engines);
        Assert.StartsWith("SELECT {{label}}", query.Sql, StringComparison.Ordinal);
        Assert.EndsWith("LIMIT {{limit}}", query.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Rendering_puts_the_literals_where_the_placeholders_were()
    {
        var sql = NamedQuery.Parse("per_thing", Good).Render(
            new Dictionary<string, string> { ["limit"] = "5", ["start"] = "2025-01-01" }, SqlDialect.Athena);

        Assert.Equal(
            "-- per_thing\nSELECT 'it''s here' AS thing, count(*) AS events\nFROM events\nWHERE event_time >= TIMESTAMP '2025-01-01 00:00:00'\nLIMIT 5\n",
            sql);
    }

    [Theory]
    // The file text, the line the error names, and what the message says.
    [InlineData("SELECT 1", 1, "must start with a header comment")]
    [InlineData("-- @engines duckdb\nSELECT 1", 1, "no description")]
    [InlineData("-- Something.\nSELECT 1", 1, "no @engines line")]
    [InlineData("-- Something.\n-- @engines duckdb\n", 2, "no SQL after it")]
    [InlineData("-- Something.\n-- @returns x\n-- @engines duckdb\nSELECT 1", 2, "unknown tag '@returns'")]
    [InlineData("-- Something.\n-- @engines athena postgres\nSELECT 1", 2, "'postgres' is not an engine")]
    [InlineData("-- Something.\n-- @engines duckdb\n-- @engines athena\nSELECT 1", 3, "@engines is given twice")]
    [InlineData("-- Something.\n-- @engines duckdb\n--   dangling\nSELECT 1", 3, "takes no continuation")]
    [InlineData("-- Something.\n-- @param start timestamp The start.\n-- @engines duckdb\nSELECT {{start}}", 2, "malformed @param")]
    [InlineData("-- Something.\n-- @param Start timestamp required The start.\n-- @engines duckdb\nSELECT 1", 2, "malformed @param")]
    [InlineData("-- Something.\n-- @param n int default=1 N.\n-- @engines duckdb\nSELECT {{n}}", 2, "'int' is not a parameter type")]
    [InlineData("-- Something.\n-- @param n integer(1.5..3) default=2 N.\n-- @engines duckdb\nSELECT {{n}}", 2, "must be whole numbers")]
    [InlineData("-- Something.\n-- @param n integer(5..1) default=2 N.\n-- @engines duckdb\nSELECT {{n}}", 2, "range of 'integer(5..1)' is empty")]
    [InlineData("-- Something.\n-- @param n integer(1..5) default=9 N.\n-- @engines duckdb\nSELECT {{n}}", 2, "the default '9' of 'n' is out of range")]
    [InlineData("-- Something.\n-- @param n integer required\n-- @engines duckdb\nSELECT {{n}}", 2, "'n' has no description")]
    [InlineData("-- Something.\n-- @param n integer required N.\n-- @param n integer required N.\n-- @engines duckdb\nSELECT {{n}}", 3, "declared twice")]
    [InlineData("-- Something.\n-- @param n integer required N.\n-- @engines duckdb\nSELECT 1", 2, "never uses {{n}}")]
    [InlineData("-- Something.\n-- @engines duckdb\nSELECT 1\nWHERE x = {{nope}}", 4, "{{nope}} names no parameter")]
    [InlineData("-- Something.\n-- @param n integer required N.\n-- @engines duckdb\nSELECT {{n}},\n{{N}}", 5, "malformed placeholder")]
    [InlineData("-- Something.\n-- @param n integer required N.\n-- @engines duckdb\nSELECT {{n}} }}", 4, "malformed placeholder")]
    public void Malformed_files_are_refused_naming_the_line(string text, int line, string problem)
    {
        var error = Assert.Throws<NamedQueryFormatException>(() => NamedQuery.Parse("q", text));

        Assert.Equal(line, error.Line);
        Assert.Equal("q.sql", error.File);
        Assert.StartsWith($"q.sql:{line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Events")]
    [InlineData("events-per-hour")]
    [InlineData("1st")]
    public void Query_names_are_lower_case_snake_case(string name)
    {
        var error = Assert.Throws<NamedQueryFormatException>(() => NamedQuery.Parse(name, Good));

        Assert.Contains("lower-case snake case", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Windows_line_endings_and_a_byte_order_mark_are_accepted()
    {
        var query = NamedQuery.Parse("per_thing", "\uFEFF" + Good.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.Equal(3, query.Parameters.Count);
        Assert.DoesNotContain('\r', query.Description);
    }
}
