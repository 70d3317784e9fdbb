using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Gateway.Catalog.DuckDb;
using Gateway.EndToEnd.Support;
using Gateway.Processing;
using Gateway.Tests.Shared;

namespace Gateway.EndToEnd;

/// <summary><c>gateway replay</c>: real-time log files through enrich → lake, as a backfill runs it.</summary>
public sealed class ReplayTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-e2e-replay-");

    private string Data => Path.Combine(_dir.FullName, "data");

    [Fact]
    public async Task A_file_becomes_the_lake_and_replaying_it_again_adds_no_row()
    {
        var file = WriteLines("hits.tsv", Lines(hours: 3, perHour: 40, badLines: 2, duplicateEids: 3));

        var (code, output, error) = await ReplayAsync(file);
        Assert.True(code == 0, error);
        Assert.Contains("gateway replay: 125 lines", output, StringComparison.Ordinal);
        Assert.Contains("events: 120 rows; duplicates dropped: 3; bad rows: 2", output, StringComparison.Ordinal);
        Assert.Contains("missing_pixel_id: 1", output, StringComparison.Ordinal);
        Assert.Contains("field_count: 1", output, StringComparison.Ordinal);
        var firstFiles = LakeFiles();
        // One file per hour of events, plus the bad rows' partition.
        Assert.Equal(3, firstFiles.Count(f => f.StartsWith("events/", StringComparison.Ordinal)));
        Assert.All(firstFiles, f => Assert.Matches(@"/year=\d{4}/month=\d{2}/day=\d{2}/hour=\d{2}/gateway-(events|bad-rows)-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.parquet$", f));

        (code, _, error) = await ReplayAsync(file);
        Assert.True(code == 0, error);

        // The same names, rewritten: no second copy of any row.
        Assert.Equal(firstFiles, LakeFiles());
        Assert.Equal(120L, Count("events"));
        Assert.Equal(120L, Count("events", "count(DISTINCT event_id)"));
        Assert.Equal(2L, Count("bad_rows"));
    }

    [Fact]
    public async Task Gzip_and_standard_input_give_the_same_rows_as_the_plain_file()
    {
        var lines = Lines(hours: 1, perHour: 30, badLines: 0, duplicateEids: 0);
        var gz = Path.Combine(_dir.FullName, "hits.log.gz");
        await using (var output = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
        {
            await output.WriteAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        }

        var (code, output1, error) = await ReplayAsync(gz);
        Assert.True(code == 0, error);
        Assert.Contains("events: 30 rows", output1, StringComparison.Ordinal);
        var fromGzip = Rows();

        // The lake only: the visitor-id key in data/secrets stays, so visitor ids are comparable.
        Directory.Delete(Path.Combine(Data, "lake"), recursive: true);
        // Standard input, CRLF line ends and no newline after the last line.
        (code, var output2, error) = await ReplayAsync("-", string.Join("\r\n", lines));
        Assert.True(code == 0, error);
        Assert.Contains("events: 30 rows", output2, StringComparison.Ordinal);

        Assert.Equal(fromGzip, Rows());
    }

    [Fact]
    public async Task The_lake_holds_enriched_columns_and_never_the_client_ip()
    {
        var file = WriteLines("one.tsv", Lines(hours: 1, perHour: 1, badLines: 0, duplicateEids: 0));

        var (code, _, error) = await ReplayAsync(file);
        Assert.True(code == 0, error);

        var row = Query("SELECT pixel_id, event_name, ip_prefix, ua_os, country, length(visitor_id), year, hour FROM read_parquet('" + Data + "/lake/events/**/*.parquet', hive_partitioning = true)").Single();
        // DuckDB types the hive keys as numbers on its own; the text is what matters.
        Assert.Equal(["px-replay", "pageview", "203.0.113.0", "iOS", "US", "32", "2020", "21"], row.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray());
        foreach (var path in Directory.EnumerateFiles(Data, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("203.0.113.77", Encoding.Latin1.GetString(File.ReadAllBytes(path)), StringComparison.Ordinal);
        }
    }

    [Theory]
    // A file that does not exist, and an unknown field name.
    [InlineData("missing", null, 1, "cannot open")]
    [InlineData("file", "timestamp,no-such-field", 2, "--fields")]
    public async Task Bad_arguments_are_errors_naming_the_fix(string input, string? fields, int expectedCode, string expectedText)
    {
        var path = input == "file" ? WriteLines("ok.tsv", Lines(1, 1, 0, 0)) : Path.Combine(_dir.FullName, "nope.tsv");

        var (code, _, error) = await ReplayAsync(path, fields: fields);

        Assert.Equal(expectedCode, code);
        Assert.Contains(expectedText, error, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Golden-shaped lines, <paramref name="perHour"/> per hour from 2020-12-07 21:00 UTC, each with its own eid.</summary>
    private static List<string> Lines(int hours, int perHour, int badLines, int duplicateEids)
    {
        var lines = new List<string>();
        var start = DateTimeOffset.Parse("2020-12-07T21:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();
        for (var h = 0; h < hours; h++)
        {
            for (var i = 0; i < perHour; i++)
            {
                lines.Add(Line(start + (h * 3600) + (i * 60), $"pid=px-replay&e=pageview&eid=r-{h}-{i}"));
            }
        }

        for (var d = 0; d < duplicateEids; d++)
        {
            lines.Add(Line(start + 30, $"pid=px-replay&e=pageview&eid=r-0-{d}"));
        }

        if (badLines > 0)
        {
            lines.Add(Line(start + 5, "e=pageview&eid=no-pid"));
        }

        if (badLines > 1)
        {
            lines.Add("1607374321.541\t203.0.113.77\t200");
        }

        return lines;
    }

    private static string Line(long unixSeconds, string query)
    {
        var fields = RealtimeLogFields.Default.Select(f => f switch
        {
            RealtimeLogField.Timestamp => $"{unixSeconds}.250",
            RealtimeLogField.ClientIp => "203.0.113.77",
            RealtimeLogField.UriStem => "/p.gif",
            RealtimeLogField.UriQuery => query,
            RealtimeLogField.EdgeRequestId => Convert.ToBase64String(Encoding.UTF8.GetBytes(query + unixSeconds)),
            _ => RealtimeLogSamples.Golden[f],
        });
        return string.Join('\t', fields);
    }

    private string WriteLines(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    private List<string> LakeFiles() =>
        [.. Directory.EnumerateFiles(Path.Combine(Data, "lake"), "*.parquet", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(Data, "lake"), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    private long Count(string table, string what = "count(*)") =>
        Convert.ToInt64(Query($"SELECT {what} FROM read_parquet('{Data}/lake/{table}/**/*.parquet', hive_partitioning = true)").Single()[0], System.Globalization.CultureInfo.InvariantCulture);

    private List<string> Rows() =>
        [.. Query($"SELECT * EXCLUDE (received_time) FROM read_parquet('{Data}/lake/events/**/*.parquet', hive_partitioning = true) ORDER BY event_id")
            .Select(r => string.Join('|', r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))))];

    private static IReadOnlyList<object?[]> Query(string sql)
    {
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();
        return connection.Rows(sql);
    }

    private async Task<(int Code, string Output, string Error)> ReplayAsync(string input, string? stdin = null, string? fields = null)
    {
        string[] arguments = fields is null ? ["replay", "--data", Data, input] : ["replay", "--data", Data, "--fields", fields, input];
        var info = GatewayProcess.StartInfo(_dir.FullName, arguments);
        info.RedirectStandardInput = true;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Bound);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
