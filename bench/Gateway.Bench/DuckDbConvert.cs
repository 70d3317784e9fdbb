using Gateway.Catalog.DuckDb;

namespace Gateway.Bench;

/// <summary>
/// The DuckDB side of bench/replay-vs-duckdb.sh: a real-time log TSV to one Parquet file with DuckDB's own reader and
/// writer, every column as text (the lines are not parsed beyond tabs: this is DuckDB's raw conversion rate).
/// </summary>
internal static class DuckDbConvert
{
    public static void Run(string tsv, string parquet)
    {
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();
        // CloudFront writes no quoting or escaping; a truncated (short) line is padded with NULLs instead of failing.
        connection.Execute(
            $"COPY (SELECT * FROM read_csv('{Escape(tsv)}', delim = '\t', header = false, quote = '', escape = '', all_varchar = true, null_padding = true, ignore_errors = true)) " +
            $"TO '{Escape(parquet)}' (FORMAT parquet, COMPRESSION snappy)");
    }

    private static string Escape(string path) => path.Replace("'", "''", StringComparison.Ordinal);
}
