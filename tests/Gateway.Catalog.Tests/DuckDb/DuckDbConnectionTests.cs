using Gateway.Catalog.DuckDb;

namespace Gateway.Catalog.Tests.DuckDb;

public sealed class DuckDbConnectionTests
{
    [Fact]
    public void Bad_sql_raises_duckdb_message_with_the_first_line_of_the_sql()
    {
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();

        var error = Assert.Throws<DuckDbException>(() => connection.Query("SELEC 1\nFROM nowhere"));

        Assert.Contains("Parser Error", error.DuckDbMessage, StringComparison.Ordinal);
        Assert.Contains("SELEC", error.DuckDbMessage, StringComparison.Ordinal);
        Assert.StartsWith(error.DuckDbMessage, error.Message, StringComparison.Ordinal);
        Assert.Contains("SELEC 1 …", error.Message, StringComparison.Ordinal);
        Assert.Equal("SELEC 1\nFROM nowhere", error.Sql);
    }

    [Fact]
    public void Missing_table_raises_duckdb_catalog_error()
    {
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();

        var error = Assert.Throws<DuckDbException>(() => connection.Execute("SELECT * FROM no_such_table"));

        Assert.Contains("Catalog Error", error.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_table", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Failed_statement_leaves_the_connection_usable()
    {
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();

        Assert.Throws<DuckDbException>(() => connection.Execute("SELECT 1/'x'::INTEGER"));

        Assert.Equal(2, connection.Scalar<int>("SELECT 2"));
    }

    [Fact]
    public void Sql_with_an_embedded_nul_is_rejected_before_reaching_duckdb()
    {
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();

        var error = Assert.Throws<ArgumentException>(() => connection.Query("SELECT 1;\0DROP TABLE x"));

        Assert.Equal("sql", error.ParamName);
        Assert.Contains("NUL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Using_a_disposed_connection_throws_object_disposed()
    {
        using var database = DuckDbDatabase.Open();
        var connection = database.Connect();
        connection.Dispose();

        Assert.Throws<ObjectDisposedException>(() => connection.Query("SELECT 1"));
        Assert.Throws<ObjectDisposedException>(() => connection.Execute("SELECT 1"));
        Assert.Throws<ObjectDisposedException>(() => connection.Scalar<int>("SELECT 1"));
        connection.Interrupt(); // a timeout firing late must not throw
        connection.Dispose(); // twice is fine
    }

    [Fact]
    public void Using_a_disposed_result_throws_object_disposed()
    {
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();
        var result = connection.Query("SELECT 'x' AS s");
        result.Dispose();

        Assert.Throws<ObjectDisposedException>(() => result.GetValue(0, 0));
        Assert.Throws<ObjectDisposedException>(() => result.GetString(0, 0));
        Assert.Throws<ObjectDisposedException>(() => result.IsNull(0, 0));
        Assert.Throws<ObjectDisposedException>(() => result.ColumnName(0));
    }

    [Fact]
    public void Disposed_database_refuses_new_connections()
    {
        var database = DuckDbDatabase.Open();
        database.Dispose();

        Assert.Throws<ObjectDisposedException>(database.Connect);
    }

    [Fact]
    public void Results_and_connections_outlive_what_created_them()
    {
        var database = DuckDbDatabase.Open();
        var connection = database.Connect();
        using var result = connection.Query("SELECT 'still here' AS s, range AS n FROM range(3)");

        connection.Dispose();
        database.Dispose();

        Assert.Equal("still here", result.GetString(0, 2));
        Assert.Equal(2L, result.GetInt64(1, 2));
    }

    [Fact]
    public void Open_connection_keeps_a_disposed_database_usable()
    {
        var database = DuckDbDatabase.Open();
        using var connection = database.Connect();
        database.Dispose();

        connection.Execute("CREATE TABLE t AS SELECT 5 AS x");
        Assert.Equal(5, connection.Scalar<int>("SELECT x FROM t"));
    }

    [Fact]
    public void File_database_keeps_its_rows_after_reopening()
    {
        using var folder = new TempFolder();
        var path = folder.File("gateway.duckdb");

        using (var database = DuckDbDatabase.Open(path))
        using (var connection = database.Connect())
        {
            connection.Execute("CREATE TABLE hits (id BIGINT, page VARCHAR, seen TIMESTAMP); INSERT INTO hits VALUES (1, '/ä', TIMESTAMP '1950-06-01 12:00:00'), (2, NULL, NULL)");
            Assert.Equal(path, database.Path);
        }

        using (var database = DuckDbDatabase.Open(path))
        using (var connection = database.Connect())
        {
            var rows = connection.Rows("SELECT * FROM hits ORDER BY id");
            Assert.Equal([1L, "/ä", new DateTimeOffset(1950, 6, 1, 12, 0, 0, TimeSpan.Zero)], rows[0]);
            Assert.Equal([2L, null, null], rows[1]);
        }
    }

    [Fact]
    public void Two_connections_on_one_database_see_each_others_commits()
    {
        using var database = DuckDbDatabase.Open();
        using var writer = database.Connect();
        using var reader = database.Connect();

        writer.Execute("CREATE TABLE shared AS SELECT 41 + 1 AS answer");

        Assert.Equal(42, reader.Scalar<int>("SELECT answer FROM shared"));
    }

    [Fact]
    public void Config_settings_are_applied_and_bad_ones_are_rejected_by_name()
    {
        using (var database = DuckDbDatabase.Open(config: new Dictionary<string, string> { ["threads"] = "1", ["default_order"] = "desc" }))
        using (var connection = database.Connect())
        {
            Assert.Equal(1L, connection.Scalar<long>("SELECT current_setting('threads')"));
            Assert.Equal(3, connection.Scalar<int>("SELECT x FROM range(4) t(x) ORDER BY x LIMIT 1"));
            Assert.False(connection.Scalar<bool>("SELECT current_setting('autoinstall_known_extensions')"));
        }

        var error = Assert.Throws<DuckDbException>(() => DuckDbDatabase.Open(config: new Dictionary<string, string> { ["no_such_setting"] = "1" }));
        Assert.Contains("no_such_setting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unopenable_file_raises_duckdb_message_naming_the_path()
    {
        using var folder = new TempFolder();
        var path = folder.File("missing-folder/db.duckdb");

        var error = Assert.Throws<DuckDbException>(() => DuckDbDatabase.Open(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interrupt_while_idle_does_not_fail_the_next_statement()
    {
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();

        connection.Interrupt();

        Assert.Equal(1, connection.Scalar<int>("SELECT 1"));
    }

    [Fact]
    public async Task Interrupt_stops_a_running_query_with_duckdb_error()
    {
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();

        // Never finishes on its own in a test's lifetime; DuckDB clears a pending interrupt when a statement starts,
        // so keep interrupting until the statement has ended.
        var running = Task.Run(() => connection.Execute("SELECT sum(hash(a.range * b.range)) FROM range(1000000) a, range(1000000) b"));
        var giveUp = DateTime.UtcNow.AddMinutes(1);
        while (!running.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < giveUp, "the statement was still running a minute after the first interrupt");
            connection.Interrupt();
            await Task.WhenAny(running, Task.Delay(20));
        }

        var error = await Assert.ThrowsAsync<DuckDbException>(() => running);
        Assert.Contains("Interrupt", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
