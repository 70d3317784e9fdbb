using System.Net;
using System.Text;
using Gateway.Catalog.DuckDb;
using Gateway.EndToEnd.Support;
using Gateway.Streams;
using Gateway.Tests.Shared;

namespace Gateway.EndToEnd;

/// <summary>The lake stage of <c>gateway up</c>: pixel hits → Parquet under data/lake, read by DuckDB as analysts do.</summary>
public sealed class LakeStageTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-e2e-lake-");

    private string Data => Path.Combine(_dir.FullName, "data");

    private string Lake => Path.Combine(Data, "lake");

    [Fact]
    public async Task Hits_become_hive_partitioned_parquet_that_duckdb_reads_and_no_stored_file_holds_the_client_ip()
    {
        string output;
        await using (var gateway = await GatewayProcess.StartAsync(_dir.FullName, new Dictionary<string, string> { ["GATEWAY__LAKE__BUFFERSECONDS"] = "1" }))
        {
            using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
            await HitAsync(http, "pid=px-lake&e=purchase&eid=lake-1&v=19.9&cur=eur&url=https%3A%2F%2Fshop.example%2F%E6%97%A5%E6%9C%AC");
            await HitAsync(http, "pid=px-lake&eid=lake-2&utm_source=news");
            // No pid: a bad row.
            await HitAsync(http, "e=pageview&eid=lake-3");

            // Committed while running, within the buffer interval, before any stop.
            await EventuallyAsync(() => ParquetFiles("events").Count > 0 && ParquetFiles("bad_rows").Count > 0, "the first files in data/lake");
            (var exitCode, output) = await gateway.StopAsync();
            Assert.Equal(0, exitCode);
        }

        Assert.Contains("lake stage: events, bad-rows → Parquet in " + Lake, output, StringComparison.Ordinal);
        Assert.Contains("lake stage committed 2 event(s)", output, StringComparison.Ordinal);
        Assert.All(ParquetFiles("events"), f => Assert.Matches(@"^events/year=\d{4}/month=\d{2}/day=\d{2}/hour=\d{2}/gateway-events-1-\d{4}(-\d{2}){5}-[0-9a-f-]{36}\.parquet$", f));

        using var db = DuckDbDatabase.Open();
        using var connection = db.Connect();
        var events = connection.Rows(
            $"SELECT event_id, pixel_id, event_name, page_path, value, currency, utm_source, ip_prefix, event_time, year, month, day, hour FROM read_parquet('{Lake}/events/**/*.parquet', hive_partitioning = true, hive_types_autocast = false) ORDER BY event_id");
        Assert.Equal(2, events.Count);
        Assert.Equal<object?>(["lake-1", "px-lake", "purchase", "/日本", 19.9, "EUR", null, "127.0.0.0"], events[0][..8]);
        Assert.Equal<object?>(["lake-2", "px-lake", "pageview", null, null, null, "news", "127.0.0.0"], events[1][..8]);
        Assert.All(events, row =>
        {
            // The folders are the event time's UTC hour.
            var time = ((DateTimeOffset)row[8]!).UtcDateTime;
            Assert.Equal<object?>([time.ToString("yyyy", System.Globalization.CultureInfo.InvariantCulture), time.ToString("MM", System.Globalization.CultureInfo.InvariantCulture), time.ToString("dd", System.Globalization.CultureInfo.InvariantCulture), time.ToString("HH", System.Globalization.CultureInfo.InvariantCulture)], row[9..]);
        });
        var bad = Assert.Single(connection.Rows($"SELECT stage, reason, raw FROM read_parquet('{Lake}/bad_rows/**/*.parquet', hive_partitioning = true)"));
        Assert.Equal(("enrich", "missing_pixel_id"), ((string)bad[0]!, (string)bad[1]!));
        Assert.Contains("eid=lake-3", (string)bad[2]!, StringComparison.Ordinal);

        // Nothing the lake stage reads or writes holds the full client address (the raw stream keeps the edge's
        // record, whose cs-host is this server's own 127.0.0.1 address, so it is not searched).
        var stored = new[] { Lake, Path.Combine(Data, "streams", "events"), Path.Combine(Data, "streams", "bad-rows"), Path.Combine(Data, "checkpoints") };
        foreach (var file in stored.SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)))
        {
            Assert.False(Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)).Contains("127.0.0.1", StringComparison.Ordinal), $"{file} holds the full client IP");
        }
    }

    [Fact]
    public async Task After_kill_9_with_rows_still_buffered_a_restart_writes_every_row_from_the_checkpoint()
    {
        var buffered = new Dictionary<string, string> { ["GATEWAY__LAKE__BUFFERSECONDS"] = "900" };
        await using (var gateway = await GatewayProcess.StartAsync(_dir.FullName, buffered))
        {
            using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
            for (var i = 0; i < 5; i++)
            {
                await HitAsync(http, $"pid=px-crash&eid=crash-{i}");
            }

            // Enriched and read by the lake stage, which buffers them for 15 minutes; then the process dies.
            await EventuallyAsync(async () => (await ReadEventsStreamAsync()).Count == 5, "five rows in the events stream");
            await Task.Delay(1000);
            await gateway.KillHardAsync();
        }

        Assert.Empty(ParquetFiles("events"));

        string output;
        await using (var gateway = await GatewayProcess.StartAsync(_dir.FullName, buffered))
        {
            // The clean stop flushes everything buffered before the process exits.
            (var exitCode, output) = await gateway.StopAsync();
            Assert.Equal(0, exitCode);
        }

        Assert.Contains("lake stage committed 5 event(s)", output, StringComparison.Ordinal);
        using var db = DuckDbDatabase.Open();
        using var connection = db.Connect();
        Assert.Equal(
            Enumerable.Range(0, 5).Select(i => $"crash-{i}"),
            connection.Rows($"SELECT event_id FROM read_parquet('{Lake}/events/**/*.parquet') ORDER BY event_id").Select(r => (string)r[0]!));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Lake, "_staging")));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static async Task HitAsync(HttpClient http, string query)
    {
        using var response = await http.GetAsync(new Uri($"/p.gif?{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private List<string> ParquetFiles(string table)
    {
        var folder = Path.Combine(Lake, table);
        return Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Lake, f).Replace(Path.DirectorySeparatorChar, '/'))]
            : [];
    }

    private async Task<List<StreamRecord>> ReadEventsStreamAsync()
    {
        var directory = Path.Combine(Data, "streams", "events");
        if (!Directory.Exists(directory))
        {
            return [];
        }

        await using var stream = await EmbeddedStream.OpenReadOnlyAsync(directory);
        return await StreamContents.ReadAllAsync(stream);
    }

    private static Task EventuallyAsync(Func<bool> condition, string what) => EventuallyAsync(() => Task.FromResult(condition()), what);

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {Bound.TotalSeconds} s: {what}");
            await Task.Delay(50);
        }
    }
}
