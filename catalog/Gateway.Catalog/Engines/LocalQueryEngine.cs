using System.Diagnostics;
using System.Globalization;
using Gateway.Catalog.DuckDb;

namespace Gateway.Catalog.Engines;

/// <summary>
/// SQL over the local lake: an in-memory DuckDB whose views <c>events</c> and <c>bad_rows</c> read the lake's Parquet
/// files with Hive partitioning (<see cref="DuckDbViews"/>), so the SQL written for Athena runs here as it is.
/// </summary>
public sealed class LocalQueryEngine : IDisposable
{
    private readonly DuckDbDatabase _database;
    private readonly DuckDbConnection _connection;

    /// <summary>Opens DuckDB and defines the views over <paramref name="lakeDirectory"/> (empty typed views while it holds no files).</summary>
    /// <exception cref="DirectoryNotFoundException">The lake folder does not exist.</exception>
    /// <exception cref="ArgumentException">The path holds characters DuckDB would read as a glob.</exception>
    /// <exception cref="DuckDbException">libduckdb could not be loaded or refused the views.</exception>
    public LocalQueryEngine(string lakeDirectory)
    {
        ArgumentNullException.ThrowIfNull(lakeDirectory);
        _database = DuckDbDatabase.Open();
        try
        {
            _connection = _database.Connect();
            DuckDbViews.Apply(_connection, lakeDirectory);
        }
        catch
        {
            _connection?.Dispose();
            _database.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="sql"/> and reads the whole result.</summary>
    /// <exception cref="DuckDbException">DuckDB refused the SQL; its message carries the line and position.</exception>
    public QueryTable Run(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var watch = Stopwatch.StartNew();
        using var result = _connection.Query(sql);
        var columns = new QueryColumn[result.ColumnCount];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = new QueryColumn(result.ColumnName(c), result.ColumnType(c).ToString().ToLowerInvariant());
        }

        var rows = new List<object?[]>((int)Math.Min(result.RowCount, 1 << 16));
        for (long r = 0; r < result.RowCount; r++)
        {
            var row = new object?[columns.Length];
            for (var c = 0; c < row.Length; c++)
            {
                row[c] = Normalize(result.GetValue(c, r));
            }

            rows.Add(row);
        }

        return new QueryTable(columns, rows, new QueryStatistics(watch.Elapsed, BytesScanned: null, QueryId: null));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _connection.Dispose();
        _database.Dispose();
    }

    // One cell type per kind, whatever width DuckDB chose, so output formats need not know DuckDB's types.
    private static object? Normalize(object? value) => value switch
    {
        null => null,
        sbyte v => (long)v,
        short v => (long)v,
        int v => (long)v,
        byte v => (long)v,
        ushort v => (long)v,
        uint v => (long)v,
        ulong v => v <= long.MaxValue ? (long)v : v.ToString(CultureInfo.InvariantCulture),
        Int128 v => v >= long.MinValue && v <= long.MaxValue ? (long)v : v.ToString(CultureInfo.InvariantCulture),
        UInt128 v => v <= long.MaxValue ? (long)v : v.ToString(CultureInfo.InvariantCulture),
        float v => (double)v,
        DateTimeOffset v => v.UtcDateTime,
        TimeOnly v => v.ToString("HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        Guid v => v.ToString(),
        byte[] v => Convert.ToHexString(v),
        long or double or decimal or bool or string or DateTime or DateOnly => value,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
