namespace Gateway.Catalog.Queries;

/// <summary>The engines the named queries run on.</summary>
public enum SqlDialect
{
    /// <summary>Amazon Athena, engine v3 (Trino), over the Glue tables; the dialect the <c>.sql</c> files are written in.</summary>
    Athena,

    /// <summary>DuckDB over the local lake, through the views of <see cref="DuckDbViews"/>.</summary>
    DuckDb,
}

/// <summary>
/// The rewrite from the files' dialect (Athena) to another engine. The queries keep to functions both engines share;
/// where Trino and DuckDB name the same function differently, the Trino name is written and renamed here.
/// </summary>
public static class SqlDialects
{
    // Trino name → DuckDB name, for functions whose arguments and result are the same on both engines:
    // sequence(start, stop, step) and generate_series(start, stop, step) both include stop and accept timestamps
    // with an interval step; approx_distinct(x) and approx_count_distinct(x) are both HyperLogLog estimates
    // (Trino's two-argument form with a maximum standard error has no DuckDB counterpart).
    private static readonly Dictionary<string, string> DuckDbNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sequence"] = "generate_series",
        ["approx_distinct"] = "approx_count_distinct",
    };

    private static readonly Dictionary<string, string> None = [];

    /// <summary>The function renames <paramref name="dialect"/> applies: Trino name → that engine's name.</summary>
    public static IReadOnlyDictionary<string, string> FunctionRenames(this SqlDialect dialect) => dialect switch
    {
        SqlDialect.Athena => None,
        SqlDialect.DuckDb => DuckDbNames,
        _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "not a SQL dialect"),
    };

    /// <summary>
    /// <paramref name="sql"/>, written for Athena, rewritten for <paramref name="dialect"/>: each call of a function in
    /// <see cref="FunctionRenames"/> is renamed; string literals, quoted identifiers and comments are left as they are.
    /// </summary>
    public static string Rewrite(this SqlDialect dialect, string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return SqlText.RenameFunctions(sql, dialect.FunctionRenames());
    }

    /// <summary>The lower-case name used in query headers (<c>@engines athena duckdb</c>).</summary>
    public static string HeaderName(this SqlDialect dialect) => dialect switch
    {
        SqlDialect.Athena => "athena",
        SqlDialect.DuckDb => "duckdb",
        _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "not a SQL dialect"),
    };

    /// <summary>The dialect whose <see cref="HeaderName"/> is <paramref name="name"/> (case-insensitive).</summary>
    public static bool TryParseHeaderName(string? name, out SqlDialect dialect)
    {
        foreach (var candidate in Enum.GetValues<SqlDialect>())
        {
            if (string.Equals(candidate.HeaderName(), name, StringComparison.OrdinalIgnoreCase))
            {
                dialect = candidate;
                return true;
            }
        }

        dialect = default;
        return false;
    }
}
