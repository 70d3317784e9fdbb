using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Aws;
using Gateway.Tests.Shared;

namespace Gateway.Cli.Tests;

/// <summary><c>gateway catalog show</c> and <c>gateway catalog apply</c>, the latter against the signature-checking Glue fake.</summary>
public sealed class CatalogCommandTests : IAsyncLifetime
{
    private FakeGlue _glue = null!;

    public async Task InitializeAsync() => _glue = await FakeGlue.StartAsync();

    public async Task DisposeAsync() => await _glue.DisposeAsync();

    [Fact]
    public async Task Apply_creates_the_database_and_both_tables_then_finds_nothing_to_do()
    {
        var (code, output, errors) = await Apply(Request());

        Assert.True(code == 0, errors);
        Assert.Equal(["database gateway: created", "table gateway.events: created", "table gateway.bad_rows: created"], Lines(output));
        Assert.Equal("gateway", (string?)_glue.DatabaseInputs["gateway"]["Name"]);
        var events = _glue.Table("gateway", "events")!;
        Assert.Equal("s3://beacon-lake/prod/events/", (string?)events["StorageDescriptor"]!["Location"]);
        Assert.Equal("s3://beacon-lake/prod/events/year=${year}/month=${month}/day=${day}/hour=${hour}/", (string?)events["Parameters"]!["storage.location.template"]);
        Assert.Equal("2024,2039", (string?)events["Parameters"]!["projection.year.range"]);
        Assert.Equal("s3://beacon-lake/prod/bad_rows/", (string?)_glue.Table("gateway", "bad_rows")!["StorageDescriptor"]!["Location"]);

        (code, output, _) = await Apply(Request());

        Assert.Equal(0, code);
        Assert.Equal(["database gateway: exists", "table gateway.events: unchanged", "table gateway.bad_rows: unchanged"], Lines(output));
        Assert.Equal(2, _glue.Server.CallsTo("CreateTable").Count);
        Assert.Empty(_glue.Server.CallsTo("UpdateTable"));
    }

    [Fact]
    public async Task Apply_with_a_wider_projection_updates_and_lists_what_changed()
    {
        await Apply(Request());

        var (code, output, _) = await Apply(Request() with { Years = 30 });

        Assert.Equal(0, code);
        Assert.Contains("table gateway.events: updated", output, StringComparison.Ordinal);
        Assert.Contains("  - table parameter 'projection.year.range': '2024,2039' -> '2024,2053'", output, StringComparison.Ordinal);
        Assert.Equal("2024,2053", (string?)_glue.Table("gateway", "events")!["Parameters"]!["projection.year.range"]);
    }

    [Fact]
    public async Task Dry_run_only_reads_and_says_what_would_happen()
    {
        var (code, output, _) = await Apply(Request() with { Database = "analytics", DryRun = true });

        Assert.Equal(0, code);
        Assert.Equal(["table analytics.events: would be created", "table analytics.bad_rows: would be created"], Lines(output));
        Assert.All(_glue.Server.Calls, call => Assert.Equal("GetTable", call.Operation));
        Assert.False(_glue.HasDatabase("analytics"));
    }

    [Fact]
    public async Task A_table_with_columns_the_schema_no_longer_has_is_refused_with_exit_1_and_left_alone()
    {
        await Apply(Request());
        var events = _glue.Table("gateway", "events")!;
        var columns = events["StorageDescriptor"]!["Columns"]!.AsArray();
        columns.Add(new JsonObject { ["Name"] = "added_by_a_newer_gateway", ["Type"] = "string" });
        columns[1]!["Type"] = "bigint";
        _glue.Seed("gateway", events);

        var (dryCode, dryOutput, _) = await Apply(Request() with { DryRun = true });
        var (code, output, _) = await Apply(Request());

        Assert.Equal(1, dryCode);
        Assert.Contains("table gateway.events: would be refused", dryOutput, StringComparison.Ordinal);
        Assert.Equal(1, code);
        Assert.Contains("table gateway.events: refused", output, StringComparison.Ordinal);
        Assert.Contains("would become", output, StringComparison.Ordinal);
        Assert.Contains("'added_by_a_newer_gateway' (string) would be removed", output, StringComparison.Ordinal);
        Assert.Contains("table gateway.bad_rows: unchanged", output, StringComparison.Ordinal);
        Assert.Empty(_glue.Server.CallsTo("UpdateTable"));
    }

    [Theory]
    [InlineData(null, null, "give the lake's S3 location, --lake s3://bucket/prefix/")]
    [InlineData("beacon-lake/prod", null, "'beacon-lake/prod' is not an s3://bucket/prefix/ URI; write it as s3://bucket/prefix/")]
    [InlineData("s3://beacon-lake/", "glue.local", "--glue-endpoint 'glue.local' is not an http(s) URL")]
    public async Task Usage_errors_are_exit_2_before_anything_is_sent(string? lake, string? endpoint, string expected)
    {
        var (code, _, errors) = await Apply(Request() with { Lake = lake, Endpoint = endpoint ?? Request().Endpoint });

        Assert.Equal(2, code);
        Assert.Contains(expected, errors, StringComparison.Ordinal);
        Assert.Empty(_glue.Server.Calls);
    }

    [Fact]
    public async Task Glue_s_refusal_is_exit_1_with_its_message_and_the_fix()
    {
        var (code, _, errors) = await Apply(Request(), new StaticCredentialsProvider(new AwsCredentials("AKIDEXAMPLE", "not-the-secret")));

        Assert.Equal(1, code);
        Assert.Contains("InvalidSignatureException", errors, StringComparison.Ordinal);
        Assert.Contains("check AWS_PROFILE / AWS_ACCESS_KEY_ID", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_glue_prints_each_table_input_as_json_create_table_accepts()
    {
        using var output = new StringWriter();

        var code = CatalogCommand.Show(CatalogFormat.Glue, "s3://beacon-lake/prod/", "/data/lake", output, TextWriter.Null);

        Assert.Equal(0, code);
        var documents = output.ToString().Split("\n}\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => JsonNode.Parse(d + "}")!).ToArray();
        Assert.Equal(["events", "bad_rows"], documents.Select(d => (string?)d["Name"]));
        Assert.All(documents, d => Assert.Equal("EXTERNAL_TABLE", (string?)d["TableType"]));
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(documents[0].ToJsonString()).RootElement.GetProperty("StorageDescriptor").ValueKind);
    }

    [Fact]
    public void Show_duckdb_and_markdown_print_every_table()
    {
        using var ddl = new StringWriter();
        using var markdown = new StringWriter();

        Assert.Equal(0, CatalogCommand.Show(CatalogFormat.DuckDb, null, "/data/lake", ddl, TextWriter.Null));
        Assert.Equal(0, CatalogCommand.Show(CatalogFormat.Markdown, null, "/data/lake", markdown, TextWriter.Null));

        Assert.Contains("CREATE OR REPLACE TEMPORARY VIEW \"events\" AS", ddl.ToString(), StringComparison.Ordinal);
        Assert.Contains("read_parquet('/data/lake/bad_rows/", ddl.ToString(), StringComparison.Ordinal);
        Assert.Contains("### `bad_rows`", markdown.ToString(), StringComparison.Ordinal);
        Assert.Contains("| `event_time` |", markdown.ToString(), StringComparison.Ordinal);
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private CatalogCommand.ApplyRequest Request() =>
        new("s3://beacon-lake/prod/", "gateway", FakeGlue.Region, _glue.Server.Endpoint.ToString(), DryRun: false, FirstYear: 2024, Years: 16);

    private static async Task<(int Code, string Output, string Errors)> Apply(CatalogCommand.ApplyRequest request, IAwsCredentialsProvider? credentials = null)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await CatalogCommand.ApplyAsync(request, output, errors, CancellationToken.None, credentials ?? new StaticCredentialsProvider(TestAws.Credentials));
        return (code, output.ToString(), errors.ToString());
    }
}
