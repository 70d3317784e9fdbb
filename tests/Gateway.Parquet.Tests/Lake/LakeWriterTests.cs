using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Parquet.Lake;
using Gateway.Parquet.Tests.Lake.Support;
using Gateway.Tests.Shared;

namespace Gateway.Parquet.Tests.Lake;

/// <summary>The lake writer's buffering, partitioning, naming and durability, on a fake clock and a local lake.</summary>
public sealed partial class LakeWriterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-lake-");
    private readonly FakeTimeProvider _time = new(Some.Noon.AddMinutes(30));
    private readonly DirectoryLakeStore _store;

    public LakeWriterTests()
    {
        _store = new DirectoryLakeStore(Path.Combine(_dir.FullName, "lake"));
    }

    [Fact]
    public async Task Rows_are_partitioned_by_event_time_not_by_when_they_were_received()
    {
        await using var writer = LakeWriter.Create(_store, time: _time);
        // Happened in the last millisecond of 12:00-13:00, logged after 13:00: it belongs to hour 12.
        writer.Add(Some.Event("late-logged", new DateTimeOffset(2024, 5, 1, 12, 59, 59, 999, TimeSpan.Zero), receivedTime: new DateTimeOffset(2024, 5, 1, 13, 0, 0, 500, TimeSpan.Zero)), 0);
        writer.Add(Some.Event("on-time", new DateTimeOffset(2024, 5, 1, 13, 0, 0, TimeSpan.Zero)), 1);
        // A client clock in another day, still UTC-partitioned.
        writer.Add(Some.Event("yesterday", new DateTimeOffset(2024, 4, 30, 23, 30, 0, TimeSpan.FromHours(-2))), 2);

        await writer.FlushAllAsync();

        Assert.Equal(
            ["events/year=2024/month=05/day=01/hour=01/", "events/year=2024/month=05/day=01/hour=12/", "events/year=2024/month=05/day=01/hour=13/"],
            LakeFiles("events").Select(FolderOf));
        Assert.All(LakeFiles("events"), f => Assert.Equal(1, ParquetFileInfo.Read(PathOf(f)).NumRows));
        Assert.Equal(2, writer.DurableThrough);
    }

    [Fact]
    public async Task A_partition_is_committed_once_its_buffer_time_has_passed()
    {
        await using var writer = LakeWriter.Create(_store, new LakeWriterOptions { BufferTime = TimeSpan.FromSeconds(10) }, _time);
        writer.Add(Some.Event("a", Some.Noon), 0);
        _time.Advance(TimeSpan.FromSeconds(4));
        writer.Add(Some.Event("b", Some.Noon), 1);

        _time.Advance(TimeSpan.FromMilliseconds(5999));
        await writer.FlushDueAsync();

        Assert.Empty(LakeFiles("events"));
        Assert.Equal(-1, writer.DurableThrough);
        Assert.Equal(_time.GetUtcNow().AddMilliseconds(1), writer.NextDueAt);

        // Ten seconds after the first row, as Firehose's buffer interval.
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await writer.FlushDueAsync();

        var file = Assert.Single(LakeFiles("events"));
        Assert.Equal(2, ParquetFileInfo.Read(PathOf(file)).NumRows);
        Assert.Equal(1, writer.DurableThrough);
        Assert.Null(writer.NextDueAt);
        Assert.Equal(new LakeTableStats(2, 1, new FileInfo(PathOf(file)).Length), writer.Stats.Events);
    }

    [Fact]
    public async Task A_partition_is_committed_once_it_reaches_its_buffer_size()
    {
        const long bufferBytes = 8 * 1024;
        await using var writer = LakeWriter.Create(_store, new LakeWriterOptions { BufferBytes = bufferBytes, BufferTime = TimeSpan.FromHours(1), Codec = ParquetCodec.Uncompressed }, _time);
        for (var i = 0; i < 100; i++)
        {
            // Distinct props so dictionary encoding cannot shrink them away: about 300 bytes a row.
            writer.Add(Some.Event($"id-{i:D3}", Some.Noon, props: $$"""{"n":"{{i:D3}}{{new string('x', 300)}}"}"""), i);
        }

        // No time has passed: only size made these files.
        await writer.FlushDueAsync();

        var files = LakeFiles("events");
        Assert.True(files.Count >= 3, $"{files.Count} file(s) from about 30 KB of rows with an 8 KiB buffer");
        var rows = files.Select(f => ParquetFileInfo.Read(PathOf(f)).NumRows).ToList();
        Assert.Equal(writer.DurableThrough + 1, rows.Sum());
        Assert.Equal(100 - writer.Stats.BufferedRows, rows.Sum());
        Assert.True(writer.Stats.BufferedRows < 100);

        await writer.FlushAllAsync();
        Assert.Equal(100, LakeFiles("events").Sum(f => ParquetFileInfo.Read(PathOf(f)).NumRows));
        Assert.Equal(99, writer.DurableThrough);
    }

    [Fact]
    public async Task Past_the_open_partition_limit_the_oldest_is_flushed_and_a_late_event_gets_its_own_small_file()
    {
        await using var writer = LakeWriter.Create(_store, new LakeWriterOptions { MaxOpenPartitions = 2 }, _time);
        writer.Add(Some.Event("h12-a", Some.Noon), 0);
        _time.Advance(TimeSpan.FromSeconds(1));
        writer.Add(Some.Event("h13-a", Some.Noon.AddHours(1)), 1);
        writer.Add(Some.Event("h12-b", Some.Noon.AddMinutes(5)), 2);
        _time.Advance(TimeSpan.FromSeconds(1));

        // A third partition: hour 12, opened longest ago, makes room.
        writer.Add(Some.Event("h09-late", Some.Noon.AddHours(-3)), 3);
        Assert.Equal(2, writer.Stats.OpenPartitions);
        await writer.FlushDueAsync();

        Assert.Equal(["events/year=2024/month=05/day=01/hour=12/"], LakeFiles("events").Select(FolderOf));
        // Hour 13's first row (position 1) is still open.
        Assert.Equal(0, writer.DurableThrough);

        writer.Add(Some.Event("h13-b", Some.Noon.AddHours(1).AddMinutes(1)), 4);
        writer.Add(Some.Event("h14-a", Some.Noon.AddHours(2)), 5);
        await writer.FlushAllAsync();

        var byFolder = LakeFiles("events").GroupBy(FolderOf).ToDictionary(g => g.Key, g => g.Sum(f => ParquetFileInfo.Read(PathOf(f)).NumRows));
        Assert.Equal(new Dictionary<string, long>
        {
            ["events/year=2024/month=05/day=01/hour=09/"] = 1,
            ["events/year=2024/month=05/day=01/hour=12/"] = 2,
            ["events/year=2024/month=05/day=01/hour=13/"] = 2,
            ["events/year=2024/month=05/day=01/hour=14/"] = 1,
        }, byFolder);
        Assert.Equal(4, LakeFiles("events").Count);
        Assert.Equal(5, writer.DurableThrough);
    }

    [Fact]
    public async Task Past_the_buffered_bytes_bound_the_partition_written_least_recently_is_finished()
    {
        await using var writer = LakeWriter.Create(_store, new LakeWriterOptions { BufferBytes = 64 * 1024, MaxBufferedBytes = 64 * 1024 }, _time);
        var position = 0L;
        var hour12 = Enumerable.Range(0, 20).Select(i => Some.Event($"h12-{i}", Some.Noon.AddSeconds(i))).ToList();
        foreach (var row in hour12.Take(10))
        {
            writer.Add(row, position++);
        }

        writer.Add(Some.Event("h13-0", Some.Noon.AddHours(1)), position++);
        // Hour 12 was opened first but written last: hour 13 is the one to finish.
        foreach (var row in hour12.Skip(10))
        {
            writer.Add(row, position++);
        }

        var rows = 0;
        while (writer.Stats.OpenPartitions == 3 || rows == 0)
        {
            writer.Add(Some.Event($"h14-{rows}", Some.Noon.AddHours(2).AddSeconds(rows)), position++);
            rows++;
            Assert.True(rows < 10_000, "the bound never finished a partition");
        }

        Assert.Equal(2, writer.Stats.OpenPartitions);
        await writer.FlushDueAsync();
        Assert.Equal(["events/year=2024/month=05/day=01/hour=13/"], LakeFiles("events").Select(FolderOf));

        await writer.FlushAllAsync();
        Assert.Equal(21 + rows, LakeFiles("events").Sum(f => ParquetFileInfo.Read(PathOf(f)).NumRows));
    }

    [Fact]
    public void The_buffered_bytes_bound_cannot_be_below_one_file()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LakeWriter.Create(_store, new LakeWriterOptions { BufferBytes = 1 << 20, MaxBufferedBytes = 1 << 19 }, _time));

        Assert.Contains("MaxBufferedBytes (524288) must be at least BufferBytes (1048576)", ex.Message, StringComparison.Ordinal);
        // Unset, the bound is two files' worth.
        Assert.Equal(2L << 20, new LakeWriterOptions { BufferBytes = 1 << 20 }.EffectiveMaxBufferedBytes);
    }

    [Fact]
    public async Task A_failed_commit_keeps_DurableThrough_back_and_the_file_is_retried_not_lost()
    {
        var store = new FailingLakeStore(_store) { FailNextCommits = 2 };
        await using var writer = LakeWriter.Create(store, time: _time);
        for (var i = 0; i < 5; i++)
        {
            writer.Add(Some.Event($"id-{i}", Some.Noon.AddMinutes(i)), i);
        }

        writer.Add(Some.Event("next-hour", Some.Noon.AddHours(1)), 5);
        _time.Advance(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAsync<IOException>(async () => await writer.FlushDueAsync());
        Assert.Equal(-1, writer.DurableThrough);
        await Assert.ThrowsAsync<IOException>(async () => await writer.FlushDueAsync());
        Assert.Equal(-1, writer.DurableThrough);
        Assert.Empty(LakeFiles("events"));
        Assert.Equal((2L, 2, 6L), (writer.Stats.CommitFailures, writer.Stats.PendingFiles, writer.Stats.BufferedRows));
        Assert.False(writer.IsFaulted);

        await writer.FlushDueAsync();

        Assert.Equal(5, writer.DurableThrough);
        Assert.Equal([5L, 1L], LakeFiles("events").Select(f => ParquetFileInfo.Read(PathOf(f)).NumRows));
        // The retries committed the same files under the names fixed when they were closed.
        Assert.Equal(store.Committed.Order(StringComparer.Ordinal), LakeFiles("events"));
        Assert.Empty(Directory.EnumerateFiles(_store.StagingDirectory, "*.parquet.tmp"));
    }

    [Fact]
    public async Task File_names_follow_Firehose_with_the_delivery_time_and_a_random_uuid()
    {
        await using var writer = LakeWriter.Create(_store, time: _time);
        writer.Add(Some.Event("a", Some.Noon), 0);
        writer.Add(Some.BadRow(Some.Noon), 1);
        _time.Advance(TimeSpan.FromSeconds(12.7));

        await writer.FlushDueAsync();

        var deliveredAt = _time.GetUtcNow().ToString("yyyy-MM-dd-HH-mm-ss", CultureInfo.InvariantCulture);
        var events = Path.GetFileName(Assert.Single(LakeFiles("events")));
        var badRows = Path.GetFileName(Assert.Single(LakeFiles("bad_rows")));
        Assert.Matches(FirehoseName(), events);
        Assert.Matches(FirehoseName(), badRows);
        Assert.StartsWith($"gateway-events-1-{deliveredAt}-", events, StringComparison.Ordinal);
        Assert.StartsWith($"gateway-bad-rows-1-{deliveredAt}-", badRows, StringComparison.Ordinal);
        // Random (version 4) UUIDs, like Firehose's.
        Assert.Equal('4', FirehoseName().Match(events).Groups["uuid"].Value[14]);
        Assert.NotEqual(FirehoseName().Match(events).Groups["uuid"].Value, FirehoseName().Match(badRows).Groups["uuid"].Value);
    }

    [Fact]
    public async Task With_a_name_seed_the_same_input_rewrites_the_same_file_names()
    {
        var options = new LakeWriterOptions { NameSeed = "backfill-2024-05", MaxOpenPartitions = 1 };
        async Task<List<string>> RunAsync(DirectoryLakeStore store, LakeWriterOptions settings)
        {
            await using var writer = LakeWriter.Create(store, settings, _time);
            writer.Add(Some.Event("a", Some.Noon), 0);
            writer.Add(Some.Event("b", Some.Noon.AddHours(1)), 1);
            // Hour 12 again: its second file.
            writer.Add(Some.Event("c", Some.Noon.AddMinutes(1)), 2);
            writer.Add(Some.BadRow(Some.Noon), 3);
            _time.Advance(TimeSpan.FromMinutes(7));
            await writer.FlushAllAsync();
            return [.. Directory.EnumerateFiles(store.Root, "*.parquet", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(store.Root, f)).Order(StringComparer.Ordinal)];
        }

        var first = await RunAsync(_store, options);
        var again = await RunAsync(_store, options);
        var elsewhere = await RunAsync(new DirectoryLakeStore(Path.Combine(_dir.FullName, "other")), options);
        var otherSeed = await RunAsync(new DirectoryLakeStore(Path.Combine(_dir.FullName, "seed2")), options with { NameSeed = "another" });

        Assert.Equal(4, first.Count);
        Assert.Equal(first, again);
        Assert.Equal(first, elsewhere);
        Assert.Empty(first.Intersect(otherSeed));
        Assert.All(first, f => Assert.Matches(FirehoseName(), Path.GetFileName(f)));
        // The time part is the partition's hour, not the (changing) delivery time.
        Assert.Equal(3, first.Count(f => Path.GetFileName(f).Contains("-1-2024-05-01-12-00-00-", StringComparison.Ordinal)));
        Assert.Single(first, f => Path.GetFileName(f).Contains("-1-2024-05-01-13-00-00-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Files_being_written_or_waiting_for_a_commit_are_never_matched_by_the_parquet_glob()
    {
        var store = new FailingLakeStore(_store) { FailNextCommits = 1 };
        await using var writer = LakeWriter.Create(store, time: _time);
        for (var i = 0; i < 50; i++)
        {
            writer.Add(Some.Event($"id-{i}", Some.Noon), i);
        }

        writer.Add(Some.BadRow(Some.Noon), 50);
        AssertNothingVisibleButCommitted(expectedCommitted: 0);
        Assert.NotEmpty(Directory.EnumerateFiles(_store.StagingDirectory, "*.parquet.tmp"));

        _time.Advance(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<IOException>(async () => await writer.FlushDueAsync());
        // One file failed and waits, the other was not tried yet: both are complete in staging, neither is visible.
        AssertNothingVisibleButCommitted(expectedCommitted: 0);
        Assert.Equal(2, Directory.EnumerateFiles(_store.StagingDirectory, "*.parquet.tmp").Count());

        await writer.FlushDueAsync();
        AssertNothingVisibleButCommitted(expectedCommitted: 2);
        Assert.Empty(Directory.EnumerateFiles(_store.StagingDirectory, "*.parquet.tmp"));
    }

    [Fact]
    public async Task Bad_rows_land_under_bad_rows_with_their_own_columns()
    {
        await using var writer = LakeWriter.Create(_store, time: _time);
        writer.Add(Some.BadRow(Some.Noon.AddMinutes(59)), 0);
        writer.Add(Some.BadRow(Some.Noon.AddHours(1), reason: "field_count"), 1);

        await writer.FlushAllAsync();

        Assert.Empty(LakeFiles("events"));
        Assert.Equal(["bad_rows/year=2024/month=05/day=01/hour=12/", "bad_rows/year=2024/month=05/day=01/hour=13/"], LakeFiles("bad_rows").Select(FolderOf));
        var info = ParquetFileInfo.Read(PathOf(LakeFiles("bad_rows")[0]));
        Assert.Equal(["time", "stage", "reason", "message", "raw"], info.Columns.Select(c => c.Name));
        Assert.Equal(1, info.NumRows);
        Assert.Equal(new LakeTableStats(2, 2, LakeFiles("bad_rows").Sum(f => new FileInfo(PathOf(f)).Length)), writer.Stats.BadRows);
    }

    [Fact]
    public async Task A_repeated_event_id_within_the_window_is_dropped_and_counted()
    {
        await using var writer = LakeWriter.Create(_store, new LakeWriterOptions { DedupWindow = TimeSpan.FromMinutes(10) }, _time);
        writer.Add(Some.Event("dup", Some.Noon), 0);
        writer.Add(Some.Event("dup", Some.Noon.AddSeconds(3)), 1);
        writer.Add(Some.Event("other", Some.Noon), 2);
        await writer.FlushAllAsync();
        // Past the window the id is new again (readers still dedup on event_id).
        _time.Advance(TimeSpan.FromMinutes(11));
        writer.Add(Some.Event("dup", Some.Noon), 3);
        writer.Add(Some.Event("dup", Some.Noon), 4);
        await writer.FlushAllAsync();

        Assert.Equal(2, writer.Stats.DuplicatesDropped);
        Assert.Equal(3, writer.Stats.Events.Rows);
        Assert.Equal(3, LakeFiles("events").Sum(f => ParquetFileInfo.Read(PathOf(f)).NumRows));
        Assert.Equal(4, writer.DurableThrough);
    }

    [Fact]
    public async Task A_dropped_duplicate_does_not_move_DurableThrough_past_an_uncommitted_row()
    {
        await using var writer = LakeWriter.Create(_store, time: _time);
        writer.Add(Some.Event("first", Some.Noon), 7);
        writer.Add(Some.Event("first", Some.Noon), 8);

        Assert.Equal(6, writer.DurableThrough);
        await writer.FlushAllAsync();
        Assert.Equal(8, writer.DurableThrough);
    }

    [Fact]
    public async Task Source_positions_must_grow()
    {
        await using var writer = LakeWriter.Create(_store, time: _time);
        writer.Add(Some.Event("a", Some.Noon), 5);

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Add(Some.Event("b", Some.Noon), 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Add(Some.BadRow(Some.Noon), 4));
        Assert.False(writer.IsFaulted);
    }

    [Fact]
    public async Task Finished_files_close_in_the_background_and_commit_without_waiting_for_a_flush()
    {
        await using var writer = LakeWriter.Create(_store, new LakeWriterOptions { BufferBytes = 8 * 1024, BufferTime = TimeSpan.FromHours(1), Codec = ParquetCodec.Uncompressed }, _time);
        for (var i = 0; i < 100; i++)
        {
            writer.Add(Some.Event($"id-{i:D3}", Some.Noon, props: $$"""{"n":"{{i:D3}}{{new string('x', 300)}}"}"""), i);
        }

        // The closes run on the pool and CommitClosedAsync takes only those already done, so ask until all three are in.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (LakeFiles("events").Count < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{LakeFiles("events").Count} file(s) committed");
            await writer.CommitClosedAsync();
            await Task.Delay(10);
        }

        var rows = LakeFiles("events").Sum(f => ParquetFileInfo.Read(PathOf(f)).NumRows);
        Assert.Equal(writer.DurableThrough + 1, rows);
        Assert.True(writer.Stats.BufferedRows > 0, "the last partition's file is still open");

        await writer.FlushAllAsync();
        Assert.Equal(100, LakeFiles("events").Sum(f => ParquetFileInfo.Read(PathOf(f)).NumRows));
        Assert.Equal(99, writer.DurableThrough);
    }

    [Fact]
    public async Task Disposing_while_finished_files_are_closing_leaves_no_staged_files()
    {
        var writer = LakeWriter.Create(_store, new LakeWriterOptions { BufferBytes = 4 * 1024, BufferTime = TimeSpan.FromHours(1) }, _time);
        for (var i = 0; i < 200; i++)
        {
            writer.Add(Some.Event($"id-{i:D3}", Some.Noon, props: $$"""{"n":"{{i:D3}}{{new string('x', 300)}}"}"""), i);
        }

        await writer.DisposeAsync();

        Assert.Empty(Directory.EnumerateFiles(_store.Root, "*", SearchOption.AllDirectories));
        Assert.Equal(-1, writer.DurableThrough);
    }

    [Fact]
    public async Task Disposing_without_a_flush_commits_nothing_and_leaves_no_staged_files()
    {
        var writer = LakeWriter.Create(_store, time: _time);
        writer.Add(Some.Event("a", Some.Noon), 0);
        writer.Add(Some.BadRow(Some.Noon), 1);

        await writer.DisposeAsync();

        Assert.Empty(Directory.EnumerateFiles(_store.Root, "*", SearchOption.AllDirectories));
        Assert.Equal(-1, writer.DurableThrough);
    }

    [Fact]
    public async Task A_staging_failure_faults_the_writer_so_the_caller_rereads_from_its_checkpoint()
    {
        await using var writer = LakeWriter.Create(_store, time: _time);
        writer.Add(Some.Event("a", Some.Noon), 0);
        Directory.Delete(_store.StagingDirectory, recursive: true);

        Assert.ThrowsAny<IOException>(() => writer.Add(Some.Event("b", Some.Noon.AddHours(1)), 1));

        Assert.True(writer.IsFaulted);
        Assert.Throws<InvalidOperationException>(() => writer.Add(Some.Event("c", Some.Noon), 2));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.FlushAllAsync());
        Assert.Equal(-1, writer.DurableThrough);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    // Firehose: <stream>-<version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid>.parquet (spec 03, §3.3).
    [GeneratedRegex(@"^gateway-(events|bad-rows)-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-(?<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\.parquet$")]
    private static partial Regex FirehoseName();

    private static string FolderOf(string key) => key[..(key.LastIndexOf('/') + 1)];

    private void AssertNothingVisibleButCommitted(int expectedCommitted)
    {
        // What DuckDB's and Hive's globs would pick up: *.parquet anywhere, outside folders and names starting with _ or '.'.
        var visible = Directory.EnumerateFiles(_store.Root, "*.parquet", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_store.Root, f))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('_') || part.StartsWith('.')))
            .ToList();
        Assert.Equal(expectedCommitted, visible.Count);
        Assert.All(visible, f => Assert.True(ParquetFileInfo.Read(Path.Combine(_store.Root, f)).NumRows > 0));
        Assert.All(Directory.EnumerateFiles(_store.StagingDirectory, "*.parquet.tmp"), f =>
        {
            Assert.StartsWith(".", Path.GetFileName(f), StringComparison.Ordinal);
            Assert.False(f.EndsWith(".parquet", StringComparison.Ordinal), $"{f} would match *.parquet");
        });
    }

    private List<string> LakeFiles(string table)
    {
        var folder = Path.Combine(_store.Root, table);
        return Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_store.Root, f).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal)]
            : [];
    }

    private string PathOf(string key) => _store.PathOf(key);
}
