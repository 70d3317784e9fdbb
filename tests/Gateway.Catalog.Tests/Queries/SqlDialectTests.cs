using Gateway.Catalog.Queries;
using Gateway.Catalog.Tests.DuckDb;

namespace Gateway.Catalog.Tests.Queries;

public sealed class SqlDialectTests : InMemoryDuckDb
{
    [Theory]
    [InlineData("SELECT sequence(1, 3)", "SELECT generate_series(1, 3)")]
    [InlineData("SELECT SEQUENCE (1, 3)", "SELECT generate_series (1, 3)")]
    [InlineData("SELECT approx_distinct(x) FROM t", "SELECT approx_count_distinct(x) FROM t")]
    [InlineData("FROM UNNEST(sequence(a,\n  b, c)) t (h)", "FROM UNNEST(generate_series(a,\n  b, c)) t (h)")]
    // Not calls of the function: a literal, a quoted identifier, comments, a longer name, a qualified name, a column.
    [InlineData("SELECT 'sequence(1, 2)', 'it''s sequence('", "SELECT 'sequence(1, 2)', 'it''s sequence('")]
    [InlineData("SELECT \"sequence\"(1)", "SELECT \"sequence\"(1)")]
    [InlineData("-- sequence(1)\nSELECT 1 /* sequence(2) */", "-- sequence(1)\nSELECT 1 /* sequence(2) */")]
    [InlineData("SELECT my_sequence(1), sequence2(1), s.sequence(1)", "SELECT my_sequence(1), sequence2(1), s.sequence(1)")]
    [InlineData("SELECT sequence FROM t", "SELECT sequence FROM t")]
    public void DuckDb_renames_the_functions_trino_names_differently(string athena, string duckdb)
    {
        Assert.Equal(duckdb, SqlDialect.DuckDb.Rewrite(athena));
        Assert.Equal(athena, SqlDialect.Athena.Rewrite(athena));
    }

    [Fact]
    public void Rewritten_calls_run_on_duckdb_and_the_originals_do_not()
    {
        const string Sql = "SELECT count(*), approx_distinct(h) FROM UNNEST(sequence(TIMESTAMP '2025-01-01 00:00:00', TIMESTAMP '2025-01-01 05:00:00', INTERVAL '1' HOUR)) AS t (h)";

        using var result = Connection.Query(SqlDialect.DuckDb.Rewrite(Sql));

        Assert.Equal(6L, result.GetInt64(0, 0));
        Assert.InRange(result.GetInt64(1, 0), 5L, 7L); // an estimate
        Assert.Throws<Gateway.Catalog.DuckDb.DuckDbException>(() => Connection.Query(Sql));
    }

    [Fact]
    public void Header_names_round_trip()
    {
        Assert.All(Enum.GetValues<SqlDialect>(), d => Assert.True(SqlDialects.TryParseHeaderName(d.HeaderName().ToUpperInvariant(), out var back) && back == d));
        Assert.False(SqlDialects.TryParseHeaderName("trino", out _));
    }
}
