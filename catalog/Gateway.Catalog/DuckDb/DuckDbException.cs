namespace Gateway.Catalog.DuckDb;

/// <summary>DuckDB refused a statement, a database file or a setting; <see cref="Exception.Message"/> carries DuckDB's own text.</summary>
public sealed class DuckDbException : Exception
{
    /// <summary>An error with no statement attached.</summary>
    public DuckDbException(string message)
        : base(message)
    {
        DuckDbMessage = message;
    }

    /// <summary>An error from DuckDB (<paramref name="duckDbMessage"/>) while running <paramref name="sql"/>.</summary>
    public DuckDbException(string duckDbMessage, string? sql)
        : base(sql is null ? duckDbMessage : $"{duckDbMessage}{Environment.NewLine}(SQL: {FirstLine(sql)})")
    {
        DuckDbMessage = duckDbMessage;
        Sql = sql;
    }

    /// <summary>An error with an inner cause.</summary>
    public DuckDbException(string message, Exception innerException)
        : base(message, innerException)
    {
        DuckDbMessage = message;
    }

    /// <summary>DuckDB's error text, without the SQL excerpt.</summary>
    public string DuckDbMessage { get; }

    /// <summary>The statement that failed, if any.</summary>
    public string? Sql { get; }

    /// <summary>The first non-blank line of <paramref name="sql"/>, cut at 200 characters, with "…" when more follows.</summary>
    internal static string FirstLine(string sql)
    {
        const int Limit = 200;
        var lines = sql.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            return "";
        }

        var first = lines[0];
        return first.Length > Limit ? string.Concat(first.AsSpan(0, Limit), "…")
            : lines.Length > 1 ? first + " …"
            : first;
    }
}
