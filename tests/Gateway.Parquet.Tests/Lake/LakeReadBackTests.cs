using System.Globalization;
using System.Reflection;
using Gateway.Catalog;
using Gateway.Catalog.DuckDb;
using Gateway.Parquet.Lake;
using Gateway.Parquet.Tests.Lake.Support;
using Gateway.Processing.Enrichment;
using Gateway.Tests.Shared;

namespace Gateway.Parquet.Tests.Lake;

/// <summary>
/// The lake read back by DuckDB (a Parquet reader written by someone else) the way analysts query it:
/// <c>read_parquet('…/events/**/*.parquet', hive_partitioning = true)</c>. Every column of every row must come back as
/// it was written, nulls and unicode included, with the partition folders as columns.
/// </summary>
public sealed class LakeReadBackTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-lake-duckdb-");
    private readonly FakeTimeProvider _time = new(Some.Noon.AddHours(3));
    private readonly DirectoryLakeStore _store;

    public LakeReadBackTests()
    {
        _store = new DirectoryLakeStore(Path.Combine(_dir.FullName, "lake"));
    }

    public static TheoryData<ParquetCodec> Codecs => new() { ParquetCodec.Snappy, ParquetCodec.Gzip, ParquetCodec.Uncompressed };

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Every_column_of_every_event_comes_back_from_duckdb_with_its_partition_folders(ParquetCodec codec)
    {
        var rows = Rows();
        // Small files and two open partitions: several files per partition and late events in their own files.
        await using (var writer = LakeWriter.Create(_store, new LakeWriterOptions { Codec = codec, BufferBytes = 16 * 1024, MaxOpenPartitions = 2, DedupWindow = TimeSpan.Zero }, _time))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                writer.Add(rows[i], i);
            }

            await writer.FlushAllAsync();
            Assert.True(writer.Stats.Events.Files > 5, $"{writer.Stats.Events.Files} files: the test should read many files and partitions");
        }

        using var db = DuckDbDatabase.Open();
        using var connection = db.Connect();
        var columns = EventSchema.Events.ColumnNames;
        var read = connection.Rows(
            $"SELECT {string.Join(", ", columns)}, year, month, day, hour FROM {Events()} ORDER BY event_id");

        Assert.Equal(rows.Count, read.Count);
        var expected = rows.OrderBy(r => r.EventId, StringComparer.Ordinal).ToList();
        for (var r = 0; r < expected.Count; r++)
        {
            var row = expected[r];
            for (var c = 0; c < columns.Count; c++)
            {
                var want = ValueOf(row, columns[c]);
                var got = read[r][c];
                Assert.True(Equals(want, got), $"row {row.EventId}, column {columns[c]}: wrote {Show(want)}, DuckDB read {Show(got)}");
            }

            var keys = PartitionKeys.From(row.EventTime);
            Assert.Equal<object?>([keys.Year, keys.Month, keys.Day, keys.Hour], read[r][columns.Count..]);
        }
    }

    [Fact]
    public async Task DuckDB_sees_the_catalog_types_and_the_bad_rows_table()
    {
        await using (var writer = LakeWriter.Create(_store, time: _time))
        {
            writer.Add(Some.Event("typed", Some.Noon), 0);
            writer.Add(Some.BadRow(Some.Noon.AddMinutes(1)), 1);
            writer.Add(Some.BadRow(Some.Noon.AddDays(-1), reason: "field_count"), 2);
            await writer.FlushAllAsync();
        }

        using var db = DuckDbDatabase.Open();
        using var connection = db.Connect();
        var described = connection.Rows($"DESCRIBE SELECT * FROM {Events()}").ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.All(EventSchema.Events.Columns, c => Assert.Equal(DuckDbTypeOf(c.Type), described[c.Name]));

        var bad = connection.Rows($"SELECT time, stage, reason, message, raw, year, month, day, hour FROM read_parquet('{_store.Root}/bad_rows/**/*.parquet', hive_partitioning = true, hive_types_autocast = false) ORDER BY time");
        var expected = new[] { Some.BadRow(Some.Noon.AddDays(-1), reason: "field_count"), Some.BadRow(Some.Noon.AddMinutes(1)) };
        Assert.Equal(2, bad.Count);
        for (var i = 0; i < 2; i++)
        {
            var keys = PartitionKeys.From(expected[i].Time);
            Assert.Equal<object?>([expected[i].Time, expected[i].Stage, expected[i].Reason, expected[i].Message, expected[i].Raw, keys.Year, keys.Month, keys.Day, keys.Hour], bad[i]);
        }
    }

    [Fact]
    public async Task While_rows_are_buffered_or_a_commit_fails_duckdb_reads_only_whole_committed_files()
    {
        var store = new FailingLakeStore(_store);
        await using var writer = LakeWriter.Create(store, time: _time);
        writer.Add(Some.Event("committed", Some.Noon), 0);
        await writer.FlushAllAsync();
        writer.Add(Some.Event("buffered", Some.Noon), 1);
        writer.Add(Some.Event("pending", Some.Noon.AddHours(1)), 2);
        store.FailNextCommits = 1;
        _time.Advance(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<IOException>(async () => await writer.FlushDueAsync());
        writer.Add(Some.Event("open", Some.Noon.AddHours(2)), 3);

        using var db = DuckDbDatabase.Open();
        using var connection = db.Connect();
        Assert.Equal(["committed"], connection.Rows($"SELECT event_id FROM {Events()}").Select(r => (string)r[0]!));
        // The whole lake root too: staged files are neither *.parquet nor outside hidden names.
        Assert.Equal(1L, connection.Scalar<long>($"SELECT count(*) FROM read_parquet('{_store.Root}/**/*.parquet', union_by_name = true)"));

        await writer.FlushAllAsync();
        Assert.Equal(["buffered", "committed", "open", "pending"], connection.Rows($"SELECT event_id FROM {Events()} ORDER BY event_id").Select(r => (string)r[0]!));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string Events() => $"read_parquet('{_store.Root}/events/**/*.parquet', hive_partitioning = true, hive_types_autocast = false)";

    // Full rows, rows of nulls, unicode and edge values, spread over hours, days and a month boundary.
    private static List<EventRow> Rows()
    {
        string[] texts =
        [
            "plain ascii",
            "Grüße aus Köln — „Zitat“",
            "日本語のページ",
            "emoji 👩‍👩‍👧‍👦 and 🏳️‍🌈",
            "עברית עם ניקוד",
            "e\u0301 combining, \u200b zero width",
            "tab\tnew\nline \"quoted\" \\ back",
            new string('x', 8 * 1024),
            "",
        ];
        var start = new DateTimeOffset(2024, 5, 31, 22, 0, 0, 123, TimeSpan.Zero);
        var rows = new List<EventRow>();
        for (var i = 0; i < 400; i++)
        {
            // Milliseconds, as the log timestamps are: 1 min 22.2 s apart plus a varying millisecond.
            var time = start.AddMilliseconds((i * 82_200L) + i);
            if (i % 50 == 7)
            {
                // A late event for an old hour.
                time = start.AddHours(-30).AddMilliseconds(i);
            }

            var text = texts[i % texts.Length];
            var row = i % 5 == 3
                ? Some.SparseEvent($"id-{i:D4}", time)
                : Some.Event($"id-{i:D4}", time, props: $$"""{"note":"{{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}}"}""");
            if (i % 5 != 3)
            {
                row.PageUrl = "https://shop.example/" + Uri.EscapeDataString(text.Length > 100 ? text[..100] : text);
                row.UtmCampaign = text;
                row.UaDevice = text.Length == 0 ? null : text;
                row.Notes = i % 3 == 0 ? "v: '1,5' is not a number; dropped" : null;
                row.IsBot = i % 4 == 0;
                row.BotReason = row.IsBot ? "ua:scripted:curl" : null;
                row.IsMachineOpen = i % 6 == 0;
                row.Asn = i % 7 == 0 ? long.MaxValue : 3320 + i;
                row.HttpStatus = i % 11 == 0 ? 0 : 200;
                row.BytesSent = i % 13 == 0 ? 0 : long.MaxValue - i;
                row.Value = i % 9 == 0 ? -0.000001 : i * 1.1;
                row.TimeTakenMs = i % 8 == 0 ? null : double.Epsilon * i;
            }

            rows.Add(row);
        }

        return rows;
    }

    private static readonly Dictionary<string, PropertyInfo> Properties = typeof(EventRow).GetProperties()
        .ToDictionary(p => string.Concat(p.Name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())), StringComparer.Ordinal);

    private static object? ValueOf(EventRow row, string column) => Properties[column].GetValue(row);

    private static string Show(object? value) => value switch
    {
        null => "NULL",
        string s => $"\"{(s.Length > 60 ? s[..60] + "…" : s)}\" ({value.GetType().Name})",
        DateTimeOffset t => $"{t.ToString("O", CultureInfo.InvariantCulture)} [{t.UtcTicks}] (DateTimeOffset)",
        IFormattable f => $"{f.ToString(null, CultureInfo.InvariantCulture)} ({value.GetType().Name})",
        _ => $"{value} ({value.GetType().Name})",
    };

    private static string DuckDbTypeOf(LakeType type) => type switch
    {
        LakeType.Timestamp => "TIMESTAMP WITH TIME ZONE",
        LakeType.String => "VARCHAR",
        LakeType.Int => "INTEGER",
        LakeType.BigInt => "BIGINT",
        LakeType.Double => "DOUBLE",
        LakeType.Boolean => "BOOLEAN",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
