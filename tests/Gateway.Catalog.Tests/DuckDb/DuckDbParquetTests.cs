using Gateway.Catalog.DuckDb;

namespace Gateway.Catalog.Tests.DuckDb;

public sealed class DuckDbParquetTests
{
    [Fact]
    public void Parquet_written_by_duckdb_reads_back_through_read_parquet()
    {
        using var folder = new TempFolder();
        var file = folder.File("it's.parquet");
        var literal = $"'{file.Replace("'", "''", StringComparison.Ordinal)}'";
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();

        connection.Execute($"""
            COPY (
                SELECT i AS id,
                       CASE WHEN i % 10 = 0 THEN NULL ELSE 'page-' || i || '-ü' END AS page,
                       TIMESTAMP '1969-07-20 20:17:40' + i * INTERVAL 1 SECOND AS event_time,
                       i * 0.5 AS value,
                       i % 2 = 0 AS is_bot
                FROM range(5000) r(i)
            ) TO {literal} (FORMAT parquet)
            """);
        using var result = connection.Query($"SELECT * FROM read_parquet({literal}) ORDER BY id");

        Assert.True(File.Exists(file));
        Assert.Equal(5000, result.RowCount);
        Assert.Equal(["id", "page", "event_time", "value", "is_bot"], Enumerable.Range(0, result.ColumnCount).Select(result.ColumnName));
        Assert.Equal(4321L, result.GetInt64(0, 4321));
        Assert.Equal("page-4321-ü", result.GetString(1, 4321));
        Assert.True(result.IsNull(1, 4320));
        Assert.Equal(new DateTimeOffset(1969, 7, 20, 20, 17, 40, TimeSpan.Zero).AddSeconds(4321), result.GetTimestamp(2, 4321));
        Assert.Equal(2160.5m, result.GetValue(3, 4321));
        Assert.False(result.GetBoolean(4, 4321));
        Assert.Equal(500L, connection.Scalar<long>($"SELECT count(*) FROM read_parquet({literal}) WHERE page IS NULL"));
    }
}
