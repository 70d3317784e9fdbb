using System.Text.RegularExpressions;
using Gateway.Catalog.DuckDb;
using Gateway.Catalog.Queries;
using Gateway.Catalog.Tests.DuckDb;

namespace Gateway.Catalog.Tests.Queries;

[Collection(LakeCollection.Name)]
public sealed partial class DuckDbViewsTests(LakeFixture lake)
{
    // Written out here rather than taken from DuckDbViews, so that a wrong mapping there cannot pass.
    private static readonly Dictionary<LakeType, string> DuckDbTypes = new()
    {
        [LakeType.Timestamp] = "TIMESTAMP",
        [LakeType.String] = "VARCHAR",
        [LakeType.Int] = "INTEGER",
        [LakeType.BigInt] = "BIGINT",
        [LakeType.Double] = "DOUBLE",
        [LakeType.Boolean] = "BOOLEAN",
    };

    public static TheoryData<string> TableNames => [.. EventSchema.Tables.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(TableNames))]
    public void Views_have_the_schema_columns_and_types_in_order(string table)
    {
        using var empty = new TempFolder();
        using var withFiles = new LakeSession(lake.Directory);
        using var withoutFiles = new LakeSession(empty.Path);
        var schema = EventSchema.Tables.Single(t => t.Name == table);
        var expected = schema.Columns.Concat(schema.PartitionKeys).Select(c => $"{c.Name} {DuckDbTypes[c.Type]}").ToList();

        Assert.Equal(expected, Describe(withFiles, table));
        Assert.Equal(expected, Describe(withoutFiles, table));
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Asia/Kathmandu")]
    [InlineData("America/Los_Angeles")]
    public void Timestamps_read_as_utc_wall_time_whatever_the_session_time_zone(string zone)
    {
        using var session = new LakeSession(lake.Directory);
        session.Connection.Execute($"SET SESSION TimeZone = '{zone}'");
        var last2024 = lake.Events.Single(e => e.EventTime == new DateTimeOffset(2024, 12, 31, 23, 59, 59, 999, TimeSpan.Zero));

        var row = session.Query($"""
            SELECT event_time, CAST(event_time AS VARCHAR), CAST(received_time AS VARCHAR), CAST(event_time AS DATE), year, month, day, hour
            FROM events WHERE event_id = '{last2024.EventId}'
            """).Rows.Single();

        Assert.Equal(last2024.EventTime, row[0]);
        Assert.Equal("2024-12-31 23:59:59.999", row[1]);
        // DuckDB's text drops trailing zeros of the fraction (.25, not .250), as .FFF does.
        Assert.Equal(last2024.ReceivedTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.FFF", System.Globalization.CultureInfo.InvariantCulture), row[2]);
        Assert.Equal(new DateOnly(2024, 12, 31), row[3]);
        Assert.Equal(new object?[] { "2024", "12", "31", "23" }, row[4..]);
    }

    // Another tool's file with a naive timestamp (isAdjustedToUTC=false) beside ours: DuckDB unifies the two as
    // TIMESTAMPTZ and converts the naive one in the session's zone, so it reads as written only in UTC, Athena's zone.
    [Fact]
    public async Task Naive_timestamps_of_other_writers_read_as_written_once_applied()
    {
        using var folder = new TempFolder();
        var (events, _) = LakeData.Generate();
        await TestLakes.WriteAsync(folder.Path, events.Take(3), []);
        var partition = Path.Combine(folder.Path, "events", "year=2025", "month=03", "day=01", "hour=12");
        Directory.CreateDirectory(partition);
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();
        // DuckDB starts in the machine's zone; this one is not UTC.
        connection.Execute("SET GLOBAL TimeZone = 'America/New_York'");
        connection.Execute($"COPY (SELECT TIMESTAMP '2025-03-01 12:30:00' AS event_time, 'naive' AS event_id) TO '{partition}/naive.parquet' (FORMAT parquet)");

        DuckDbViews.Apply(connection, folder.Path);

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 12, 30, 0, TimeSpan.Zero), connection.Scalar<DateTimeOffset>("SELECT event_time FROM events WHERE event_id = 'naive'"));
        Assert.Equal("UTC", connection.Scalar<string>("SELECT current_setting('TimeZone')"));
    }

    [Fact]
    public void Bad_rows_read_back_as_written()
    {
        using var session = new LakeSession(lake.Directory);

        var table = session.Query("SELECT time, stage, reason, message, raw, hour FROM bad_rows ORDER BY time, raw");

        Assert.Equal(
            lake.BadRows.OrderBy(b => b.Time).ThenBy(b => b.Raw, StringComparer.Ordinal)
                .Select(b => new object?[] { b.Time, b.Stage, b.Reason, b.Message, b.Raw, b.Partition.Hour }),
            table.Rows);
    }

    [Fact]
    public void String_predicates_on_partition_keys_select_and_prune_folders()
    {
        using var session = new LakeSession(lake.Directory);
        const string Where = "year = '2025' AND month = '01' AND day = '01' AND hour = '00'";

        var count = session.Connection.Scalar<long>($"SELECT count(*) FROM events WHERE {Where}");
        // A column's value, not count(*): with the metadata cache on, DuckDB answers count(*) from the footers alone.
        var plan = session.Query($"EXPLAIN ANALYZE SELECT max(event_id) FROM events WHERE {Where}").Rows.Single()[1] as string;

        Assert.Equal(lake.Events.Count(e => e.EventTime.Year == 2025 && e.EventTime.Month == 1 && e.EventTime.Day == 1 && e.EventTime.Hour == 0), count);
        var (scanned, total) = ScannedFiles(plan!).Single();
        Assert.Equal(1, scanned);
        Assert.True(total > 60, plan);
    }

    [Fact]
    public void A_lake_without_files_gives_empty_views_that_named_queries_can_run_on()
    {
        using var empty = new TempFolder();
        Directory.CreateDirectory(Path.Combine(empty.Path, "events"));
        using var session = new LakeSession(empty.Path);
        var clock = new FixedClock(LakeData.End);

        Assert.Equal(0, session.Connection.Scalar<long>("SELECT count(*) FROM events"));
        Assert.Equal(0, session.Connection.Scalar<long>("SELECT count(*) FROM bad_rows"));
        foreach (var query in lake.Queries)
        {
            Assert.Empty(session.Query(query.Render(new Dictionary<string, string>(), SqlDialect.DuckDb, clock)).Rows);
        }
    }

    [Fact]
    public async Task Applying_again_picks_up_files_written_since()
    {
        using var folder = new TempFolder();
        using var session = new LakeSession(folder.Path);
        Assert.Equal(0, session.Connection.Scalar<long>("SELECT count(*) FROM events"));

        await TestLakes.WriteAsync(folder.Path, lake.Events.Take(10), lake.BadRows.Take(3));
        DuckDbViews.Apply(session.Connection, folder.Path);

        Assert.Equal(10, session.Connection.Scalar<long>("SELECT count(*) FROM events"));
        Assert.Equal(3, session.Connection.Scalar<long>("SELECT count(*) FROM bad_rows"));
    }

    [Fact]
    public async Task Columns_appended_later_read_as_null_from_older_files()
    {
        using var folder = new TempFolder();
        var (events, _) = LakeData.Generate();
        var old = events.First(e => e.Value is not null && e.TimeTakenMs is not null);
        var current = events.Where(e => e.EventTime > old.EventTime).Take(5).ToList();
        current[0].Notes = "v: rejected";
        await TestLakes.WriteAsync(folder.Path, current, []);

        WriteFileWithoutLastColumns(old.EventId, folder.Path);
        using var session = new LakeSession(folder.Path);

        var table = session.Query("SELECT event_id, event_time, value, bytes_sent, time_taken_ms, notes FROM events ORDER BY event_time");

        Assert.Equal(6, table.Rows.Count);
        Assert.Equal(new object?[] { old.EventId, old.EventTime, old.Value, old.BytesSent, null, null }, table.Rows[0]);
        Assert.Equal(current[0].TimeTakenMs, table[1, "time_taken_ms"]);
        Assert.Equal("v: rejected", table[1, "notes"]);
    }

    [Fact]
    public void Columns_no_file_has_yet_read_as_null()
    {
        using var folder = new TempFolder();
        var old = lake.Events.First(e => e.TimeTakenMs is not null);
        WriteFileWithoutLastColumns(old.EventId, folder.Path);
        using var session = new LakeSession(folder.Path);

        var table = session.Query("SELECT event_id, time_taken_ms, notes, typeof(notes) FROM events");

        Assert.Equal(new object?[] { old.EventId, null, null, "VARCHAR" }, table.Rows.Single());
    }

    [Theory]
    [InlineData("lake[1]")]
    [InlineData("lake*")]
    [InlineData("lake{a,b}")]
    [InlineData("lake?")]
    public void Lake_paths_with_glob_characters_are_refused(string name)
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, name);
        Directory.CreateDirectory(path);
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();

        var error = Assert.Throws<ArgumentException>(() => DuckDbViews.Apply(connection, path));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_lake_folder_is_an_error_naming_it()
    {
        using var folder = new TempFolder();
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();
        var missing = Path.Combine(folder.Path, "no-lake");

        var error = Assert.Throws<DirectoryNotFoundException>(() => DuckDbViews.Apply(connection, missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quotes_in_the_lake_path_stay_inside_the_literal()
    {
        var sql = DuckDbViews.CreateViewSql(EventSchema.BadRows, "/data/it's'; DROP TABLE x; --", new HashSet<string> { "time" });

        Assert.Contains("read_parquet('/data/it''s''; DROP TABLE x; --/bad_rows/**/*.parquet'", sql, StringComparison.Ordinal);
    }

    /// <summary>Every (files scanned, files in the glob) pair of an EXPLAIN ANALYZE plan.</summary>
    internal static List<(int Scanned, int Total)> ScannedFiles(string plan) =>
        [.. ScanningFiles().Matches(plan).Select(m => (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))];

    [GeneratedRegex(@"Scanning Files: (\d+)/(\d+)")]
    private static partial Regex ScanningFiles();

    private static List<string> Describe(LakeSession session, string table) =>
        [.. session.Query($"DESCRIBE {table}").Rows.Select(r => $"{r[0]} {r[1]}")];

    // An events file as an older writer would have left it: without the schema's last two columns (time_taken_ms,
    // notes), timestamps as UTC instants. Written by DuckDB's own Parquet writer from the fixture lake.
    private void WriteFileWithoutLastColumns(string eventId, string targetLake)
    {
        using var source = new LakeSession(lake.Directory);
        var partition = Path.Combine(targetLake, "events", "year=2020", "month=01", "day=01", "hour=00");
        Directory.CreateDirectory(partition);
        var file = Path.Combine(partition, "older-writer.parquet").Replace("'", "''", StringComparison.Ordinal);
        source.Connection.Execute($"""
            COPY (
                SELECT * EXCLUDE (time_taken_ms, notes, year, month, day, hour)
                    REPLACE (timezone('UTC', event_time) AS event_time, timezone('UTC', received_time) AS received_time)
                FROM events WHERE event_id = '{eventId}'
            ) TO '{file}' (FORMAT parquet)
            """);
    }
}
