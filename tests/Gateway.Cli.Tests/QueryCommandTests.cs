using System.Text.Json;
using Gateway.Aws;
using Gateway.Aws.Athena;
using Gateway.Parquet.Lake;
using Gateway.Tests.Shared;

namespace Gateway.Cli.Tests;

public sealed class QueryCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-query-command-");

    [Fact]
    public async Task Sql_over_an_empty_lake_answers_from_the_typed_empty_views()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "lake"));

        var (code, output, errors) = await Run(Request("SELECT count(*) AS n FROM events", format: QueryFormat.Csv));

        Assert.True(code == 0, errors);
        Assert.Equal("n\r\n0\r\n", output);
        Assert.StartsWith("1 row in ", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_directory_without_a_lake_is_exit_2_saying_which_folder()
    {
        var (code, output, errors) = await Run(Request("SELECT count(*) FROM events"));

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains($"The lake folder '{Path.Combine(_dir.FullName, "lake")}' does not exist", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sql_error_is_exit_1_with_duckdb_s_message_naming_the_line()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "lake"));
        var (code, output, errors) = await Run(Request("SELECT pixel_id FORM events"));

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("LINE 1", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, new string[0], "give the SQL as an argument, or --named NAME")]
    [InlineData("SELECT 1", "events_per_hour", new string[0], "give either the SQL or --named NAME, not both")]
    [InlineData("SELECT 1", null, new[] { "day=2025-06-01" }, "--param belongs to --named queries")]
    [InlineData(null, "events_per_hour", new[] { "day" }, "--param 'day' is not k=v")]
    [InlineData(null, "events_per_hour", new[] { "day=2025-06-01", "day=2025-06-02" }, "--param day is given twice")]
    public async Task Usage_errors_are_exit_2_naming_the_fix(string? sql, string? named, string[] parameters, string expected)
    {
        var (code, output, errors) = await Run(Request(sql, named, parameters));

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(expected, errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "primary", null, null, "--database is empty")]
    [InlineData("gateway", "primary", "bucket/results/", null, "--output 'bucket/results/' is not an s3:// location")]
    [InlineData("gateway", "primary", null, "athena.local", "--athena-endpoint 'athena.local' is not an http(s) URL")]
    public async Task Athena_options_are_checked_before_anything_is_sent(string database, string workGroup, string? output, string? endpoint, string expected)
    {
        var request = Request("SELECT 1") with { Engine = QueryEngineKind.Athena, Athena = new AthenaSettings(database, workGroup, output, "eu-west-1", endpoint) };

        var (code, _, errors) = await Run(request);

        Assert.Equal(2, code);
        Assert.Contains(expected, errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_named_query_with_parameters_answers_from_the_lake_in_the_data_directory()
    {
        var lake = Path.Combine(_dir.FullName, "lake");
        await using (var writer = LakeWriter.Create(new DirectoryLakeStore(lake), new LakeWriterOptions { DedupWindow = TimeSpan.Zero }))
        {
            // Three events in the window's hour, one an hour later (outside the window), one of another pixel.
            writer.Add(LakeTestRows.Event("a", LakeTestRows.Noon), 0);
            writer.Add(LakeTestRows.Event("b", LakeTestRows.Noon.AddMinutes(10)), 1);
            var other = LakeTestRows.Event("c", LakeTestRows.Noon.AddMinutes(59));
            other.PixelId = "px-other";
            writer.Add(other, 2);
            writer.Add(LakeTestRows.Event("d", LakeTestRows.Noon.AddHours(1)), 3);
            await writer.FlushAllAsync(CancellationToken.None);
        }

        var request = Request(null, "events_by_pixel", ["start=2024-05-01 12:00", "end=2024-05-01 13:00"], QueryFormat.Json);
        var (code, output, errors) = await Run(request);

        Assert.True(code == 0, errors);
        using var json = JsonDocument.Parse(output);
        var rows = json.RootElement.EnumerateArray().Select(r => (r.GetProperty("pixel_id").GetString(), r.GetProperty("events").GetInt64())).ToArray();
        Assert.Equal([("px-lake", 2L), ("px-other", 1L)], rows);
        Assert.StartsWith("2 rows in ", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_named_query_with_a_bad_parameter_is_exit_2_naming_the_parameter_before_anything_runs()
    {
        var (code, _, errors) = await Run(Request(null, "events_by_pixel", ["start=yesterday"]));

        Assert.Equal(2, code);
        Assert.Contains("parameter 'start' (timestamp): 'yesterday' is not a timestamp", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_prints_each_named_query_on_one_line_with_its_parameters()
    {
        var (code, output, _) = await Run(Request(null) with { List = true });

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("events_per_hour: Events per hour: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("    --param start=", StringComparison.Ordinal) || l.StartsWith("    --param start ", StringComparison.Ordinal));
        Assert.Equal(9, lines.Count(l => !l.StartsWith(' ')));
    }

    [Fact]
    public async Task The_athena_engine_runs_the_athena_rendering_and_prints_typed_rows_and_the_bytes_scanned()
    {
        await using var athena = await FakeAthena.StartAsync();
        athena.Enqueue(new AthenaScript
        {
            Columns = [new FakeColumn("pixel_id", "varchar"), new FakeColumn("events", "bigint"), new FakeColumn("value", "double")],
            Rows = [["px-1", "12", "3.5"], ["px-2", "7", null]],
            DataScannedInBytes = 1_048_576,
        });
        var request = Request(null, "events_by_pixel", ["start=2024-05-01", "end=2024-05-02"], QueryFormat.Csv) with
        {
            Engine = QueryEngineKind.Athena,
            Athena = new AthenaSettings("lake", "analysts", "s3://results/gateway/", FakeAthena.Region, athena.Server.Endpoint.ToString()),
        };

        var (code, output, errors) = await Run(request, new StaticCredentialsProvider(TestAws.Credentials));

        Assert.True(code == 0, errors);
        Assert.Equal("pixel_id,events,value\r\npx-1,12,3.5\r\npx-2,7,\r\n", output);
        Assert.Contains("2 rows in ", errors, StringComparison.Ordinal);
        Assert.Contains("1,048,576 bytes scanned", errors, StringComparison.Ordinal);
        var start = athena.Server.CallsTo("StartQueryExecution").Single().Body;
        Assert.Equal("lake", (string?)start["QueryExecutionContext"]!["Database"]);
        Assert.Equal("analysts", (string?)start["WorkGroup"]);
        Assert.Equal("s3://results/gateway/", (string?)start["ResultConfiguration"]!["OutputLocation"]);
        var sql = (string)start["QueryString"]!;
        Assert.StartsWith("-- events_by_pixel\n", sql, StringComparison.Ordinal);
        Assert.Contains("year BETWEEN '2024' AND '2024' AND month BETWEEN '05' AND '05' AND day BETWEEN '01' AND '01'", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_athena_query_is_exit_1_with_athena_s_reason()
    {
        await using var athena = await FakeAthena.StartAsync();
        athena.Enqueue(new AthenaScript
        {
            States = [AthenaQueryState.Failed],
            StateChangeReason = "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
        });
        var request = Request("SELECT nope FROM events") with
        {
            Engine = QueryEngineKind.Athena,
            Athena = new AthenaSettings("lake", "primary", null, FakeAthena.Region, athena.Server.Endpoint.ToString()),
        };

        var (code, output, errors) = await Run(request, new StaticCredentialsProvider(TestAws.Credentials));

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("Column 'nope' cannot be resolved", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_athena_endpoint_is_exit_1_naming_it()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var request = Request("SELECT 1") with
        {
            Engine = QueryEngineKind.Athena,
            Athena = new AthenaSettings("lake", "primary", null, FakeAthena.Region, $"http://127.0.0.1:{port}/"),
        };

        var (code, _, errors) = await Run(request, new StaticCredentialsProvider(TestAws.Credentials));

        Assert.Equal(1, code);
        Assert.Contains($"127.0.0.1:{port}", errors, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private QueryCommand.Request Request(string? sql, string? named = null, string[]? parameters = null, QueryFormat format = QueryFormat.Table) =>
        new(null, _dir.FullName, format, named, parameters ?? [], List: false, QueryEngineKind.DuckDb, new AthenaSettings("gateway", "primary", null, null, null), sql);

    private static async Task<(int Code, string Output, string Errors)> Run(QueryCommand.Request request, IAwsCredentialsProvider? credentials = null)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await QueryCommand.RunAsync(request, output, errors, CancellationToken.None, credentials);
        return (code, output.ToString(), errors.ToString());
    }
}
