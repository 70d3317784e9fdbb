using Gateway.Aws.Athena;
using Gateway.Aws.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Aws.Tests.GlueAthena;

/// <summary>RunQueryAsync end to end against <see cref="FakeAthena"/>: start, poll, page, and the ways a query ends.</summary>
public sealed class AthenaRunQueryTests : IAsyncLifetime
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new(Some.SigningTime);
    private FakeAthena _athena = null!;

    public async Task InitializeAsync() => _athena = await FakeAthena.StartAsync();

    public async Task DisposeAsync() => await _athena.DisposeAsync();

    [Fact]
    public async Task A_select_drops_the_header_row_keeps_NULLs_and_pages_through_every_NextToken()
    {
        _athena.Enqueue(new AthenaScript
        {
            Columns = [new("ts", "timestamp"), new("event", "varchar"), new("asn", "integer")],
            Rows =
            [
                ["2023-11-14 22:13:20.000", "pageview", "3320"],
                ["2023-11-14 22:13:21.000", null, "3320"],
                ["2023-11-14 22:13:22.000", "click", null],
                [null, null, null],
                ["2023-11-14 22:13:24.000", "purchase", "6805"],
            ],
            DataScannedInBytes = 52_428_800,
            EngineExecutionTimeInMillis = 1234,
            TotalExecutionTimeInMillis = 1500,
        });
        using var client = _athena.Client(_time, new AthenaClientOptions { PageSize = 2 });

        var result = await _time.RunAsync(client.RunQueryAsync("SELECT ts, event, asn FROM events", "analytics", "primary"), Step);

        Assert.Equal([new AthenaColumn("ts", "timestamp"), new AthenaColumn("event", "varchar"), new AthenaColumn("asn", "integer")], result.Columns);
        Assert.Equal(
            [
                ["2023-11-14 22:13:20.000", "pageview", "3320"],
                ["2023-11-14 22:13:21.000", null, "3320"],
                ["2023-11-14 22:13:22.000", "click", null],
                [null, null, null],
                ["2023-11-14 22:13:24.000", "purchase", "6805"],
            ],
            result.Rows);
        // Header + 5 rows at 2 per page: three pages, each after the first asked for with the previous NextToken.
        var pages = _athena.Server.CallsTo("GetQueryResults");
        Assert.Equal(3, pages.Count);
        Assert.Null(pages[0].Body["NextToken"]);
        Assert.All(pages, p => Assert.Equal(2, (int)p.Body["MaxResults"]!));
        Assert.Equal([$"{result.QueryExecutionId}/2", $"{result.QueryExecutionId}/4"], pages.Skip(1).Select(p => (string)p.Body["NextToken"]!));
        Assert.Equal(new AthenaQueryStatistics(result.QueryExecutionId, 52_428_800, 1234, 1500), result.Statistics);
        Assert.Equal(AthenaStatementType.Dml, result.StatementType);
        Assert.Equal($"s3://fake-athena-results/{result.QueryExecutionId}.csv", result.OutputLocation);
    }

    [Theory]
    // SHOW TABLES: one varchar column, tab_name; a table may be called just that.
    [InlineData(AthenaStatementType.Utility, "SHOW_TABLES")]
    // DDL: no header row either, whatever its first row says.
    [InlineData(AthenaStatementType.Ddl, "MSCK_REPAIR_TABLE")]
    public async Task DDL_and_UTILITY_results_keep_a_first_row_even_when_it_spells_the_column_label(string statementType, string substatement)
    {
        _athena.Enqueue(new AthenaScript
        {
            StatementType = statementType,
            SubstatementType = substatement,
            Columns = [new("tab_name", "varchar")],
            Rows = [["tab_name"], ["events"], ["bad_rows"]],
        });
        using var client = _athena.Client(_time);

        var result = await _time.RunAsync(client.RunQueryAsync("SHOW TABLES", "analytics", "primary"), Step);

        Assert.Equal([["tab_name"], ["events"], ["bad_rows"]], result.Rows);
        Assert.Equal(statementType, result.StatementType);
    }

    [Fact]
    public async Task A_select_row_equal_to_the_labels_on_a_later_page_is_data()
    {
        _athena.Enqueue(new AthenaScript
        {
            Columns = [new("a", "varchar"), new("b", "varchar")],
            Rows = [["1", "2"], ["a", "b"], ["3", "4"]],
        });
        using var client = _athena.Client(_time, new AthenaClientOptions { PageSize = 2 });

        var result = await _time.RunAsync(client.RunQueryAsync("SELECT * FROM (VALUES ('1','2'), ('a','b'), ('3','4')) AS t(a, b)", null, null), Step);

        Assert.Equal([["1", "2"], ["a", "b"], ["3", "4"]], result.Rows);
    }

    [Fact]
    public async Task A_DML_result_without_a_header_row_loses_no_data()
    {
        // Only a first row that repeats the labels is dropped, so a DML result that comes without one keeps every row.
        _athena.Enqueue(new AthenaScript
        {
            SubstatementType = "INSERT",
            HeaderRow = false,
            Columns = [new("rows", "bigint")],
            Rows = [["42"]],
            UpdateCount = 42,
        });
        using var client = _athena.Client(_time);

        var result = await _time.RunAsync(client.RunQueryAsync("INSERT INTO t SELECT * FROM s", "analytics", "primary"), Step);

        Assert.Equal([["42"]], result.Rows);
        Assert.Equal(42, result.UpdateCount);
    }

    [Fact]
    public async Task Polling_backs_off_from_100_ms_doubling_to_a_2_s_cap_and_stops_at_the_terminal_state()
    {
        _athena.Enqueue(new AthenaScript
        {
            States = [AthenaQueryState.Queued, .. Enumerable.Repeat(AthenaQueryState.Running, 7), AthenaQueryState.Succeeded],
            Columns = [new("n", "bigint")],
            Rows = [["1"]],
        });
        using var client = _athena.Client(_time);

        var result = await _time.RunAsync(client.RunQueryAsync("SELECT 1 AS n", null, "primary"), Step);

        Assert.Equal([["1"]], result.Rows);
        Assert.Equal(
            new[] { 100, 200, 400, 800, 1600, 2000, 2000, 2000 }.Select(ms => TimeSpan.FromMilliseconds(ms)),
            _time.ScheduledDelays);
        Assert.Equal(9, _athena.Server.CallsTo("GetQueryExecution").Count);
        Assert.Single(_athena.Server.CallsTo("GetQueryResults"));
    }

    [Fact]
    public async Task A_failed_query_throws_Athena_s_message_and_the_query_id_and_reads_no_results()
    {
        _athena.Enqueue(new AthenaScript
        {
            States = [AthenaQueryState.Running, AthenaQueryState.Failed],
            StateChangeReason = "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved or requester is not authorized to access requested resources",
            Error = new AthenaError
            {
                ErrorCategory = 2,
                ErrorType = 1006,
                Retryable = false,
                ErrorMessage = "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved or requester is not authorized to access requested resources",
            },
        });
        using var client = _athena.Client(_time);

        var e = await Assert.ThrowsAsync<AthenaQueryException>(() => _time.RunAsync(client.RunQueryAsync("SELECT x FROM events", "analytics", "primary"), Step));

        var id = Assert.Single(_athena.Server.CallsTo("GetQueryExecution").Select(c => (string)c.Body["QueryExecutionId"]!).Distinct());
        Assert.Equal(id, e.QueryExecutionId);
        Assert.Equal(AthenaQueryState.Failed, e.State);
        Assert.Equal(2, e.ErrorCategory);
        Assert.Equal(1006, e.ErrorType);
        Assert.Equal(
            $"Athena query {id} FAILED: COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved or requester is not authorized to access requested resources"
            + " [error type 1006]; fix the SQL, the table definition or the permissions it names.",
            e.Message);
        Assert.Empty(_athena.Server.CallsTo("GetQueryResults"));
        Assert.Empty(_athena.Server.CallsTo("StopQueryExecution"));
    }

    [Theory]
    // Only Status.StateChangeReason (older engines, workgroup limits).
    [InlineData("Query exhausted resources at this scale factor", null, "Query exhausted resources at this scale factor")]
    // Only AthenaError.ErrorMessage.
    [InlineData(null, "HIVE_BAD_DATA: Field asn's type BINARY in parquet is incompatible with type int", "HIVE_BAD_DATA: Field asn's type BINARY in parquet is incompatible with type int")]
    // Both, saying different things: both are kept.
    [InlineData("Query failed", "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.analytics.evnts' does not exist", "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.analytics.evnts' does not exist (Query failed)")]
    public async Task A_failure_message_carries_whichever_reason_Athena_gave(string? stateChangeReason, string? errorMessage, string expected)
    {
        _athena.Enqueue(new AthenaScript
        {
            States = [AthenaQueryState.Failed],
            StateChangeReason = stateChangeReason,
            Error = errorMessage is null ? null : new AthenaError { ErrorCategory = 3, ErrorMessage = errorMessage },
        });
        using var client = _athena.Client(_time);

        var e = await Assert.ThrowsAsync<AthenaQueryException>(() => _time.RunAsync(client.RunQueryAsync("SELECT * FROM evnts", "analytics", "primary"), Step));

        Assert.Equal($"Athena query {e.QueryExecutionId} FAILED: {expected}.", e.Message);
        Assert.Equal(stateChangeReason, e.StateChangeReason);
        Assert.Equal(errorMessage, e.ErrorMessage);
    }

    [Fact]
    public async Task A_query_cancelled_elsewhere_throws_with_its_state_and_id()
    {
        _athena.Enqueue(new AthenaScript { States = [AthenaQueryState.Queued, AthenaQueryState.Cancelled] });
        using var client = _athena.Client(_time);

        var e = await Assert.ThrowsAsync<AthenaQueryException>(() => _time.RunAsync(client.RunQueryAsync("SELECT 1", null, "primary"), Step));

        Assert.Equal(AthenaQueryState.Cancelled, e.State);
        Assert.StartsWith($"Athena query {e.QueryExecutionId} CANCELLED: it was cancelled", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_running_query_stops_it_on_Athena_and_rethrows()
    {
        _athena.Enqueue(new AthenaScript { States = [AthenaQueryState.Running] });
        using var client = _athena.Client(_time);
        using var cancel = new CancellationTokenSource();

        var run = client.RunQueryAsync("SELECT * FROM events", "analytics", "primary", cancellationToken: cancel.Token);
        // The client has polled once and is waiting for its next poll.
        await _time.TimerScheduledAsync();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var id = (string)_athena.Server.CallsTo("GetQueryExecution")[0].Body["QueryExecutionId"]!;
        Assert.Equal(id, (string)Assert.Single(_athena.Server.CallsTo("StopQueryExecution")).Body["QueryExecutionId"]!);
        Assert.Empty(_athena.Server.CallsTo("GetQueryResults"));
    }

    [Fact]
    public async Task A_retried_start_reuses_its_ClientRequestToken_so_Athena_runs_one_query()
    {
        _athena.Enqueue(new AthenaScript { Columns = [new("n", "bigint")], Rows = [["1"]] });
        // Athena started the query but the answer was lost (HTTP 500): the retry must name the same token.
        _athena.LoseStartResponses(1);
        using var client = _athena.Client(_time);

        var result = await _time.RunAsync(client.RunQueryAsync("SELECT 1 AS n", null, "primary"), Step);

        var tokens = _athena.Server.CallsTo("StartQueryExecution").Select(c => (string)c.Body["ClientRequestToken"]!).ToList();
        Assert.Equal(2, tokens.Count);
        Assert.InRange(tokens[0].Length, 32, 128);
        Assert.Equal(tokens[0], tokens[1]);
        Assert.Equal(1, _athena.QueriesStarted);
        Assert.Equal([["1"]], result.Rows);
    }

    [Fact]
    public async Task Two_runs_of_the_same_SQL_get_different_tokens()
    {
        _athena.Enqueue(new AthenaScript()).Enqueue(new AthenaScript());
        using var client = _athena.Client(_time);

        await _time.RunAsync(client.RunQueryAsync("SELECT 1", null, "primary"), Step);
        await _time.RunAsync(client.RunQueryAsync("SELECT 1", null, "primary"), Step);

        var tokens = _athena.Server.CallsTo("StartQueryExecution").Select(c => (string)c.Body["ClientRequestToken"]!).ToList();
        Assert.NotEqual(tokens[0], tokens[1]);
        Assert.Equal(2, _athena.QueriesStarted);
    }

    [Fact]
    public async Task RunQuery_sends_the_database_catalog_workgroup_output_location_and_parameters()
    {
        _athena.Enqueue(new AthenaScript()).Enqueue(new AthenaScript());
        using var client = _athena.Client(_time);

        await _time.RunAsync(
            client.RunQueryAsync(new AthenaQuery
            {
                Sql = "SELECT * FROM events WHERE country = ?",
                Database = "analytics",
                Catalog = "AwsDataCatalog",
                WorkGroup = "adhoc",
                OutputLocation = "s3://bucket/athena-results/",
                ExecutionParameters = ["'DE'"],
            }),
            Step);
        // No database, no output location and an empty parameter list: those members are left out, not sent empty.
        await _time.RunAsync(client.RunQueryAsync(new AthenaQuery { Sql = "SELECT 1", ExecutionParameters = [] }), Step);

        var starts = _athena.Server.CallsTo("StartQueryExecution");
        var full = starts[0].Body;
        Assert.Equal("SELECT * FROM events WHERE country = ?", (string?)full["QueryString"]);
        Assert.Equal("analytics", (string?)full["QueryExecutionContext"]!["Database"]);
        Assert.Equal("AwsDataCatalog", (string?)full["QueryExecutionContext"]!["Catalog"]);
        Assert.Equal("adhoc", (string?)full["WorkGroup"]);
        Assert.Equal("s3://bucket/athena-results/", (string?)full["ResultConfiguration"]!["OutputLocation"]);
        Assert.Equal(["'DE'"], full["ExecutionParameters"]!.AsArray().Select(p => (string?)p));
        Assert.Equal(["QueryString", "ClientRequestToken"], starts[1].Body.Select(p => p.Key));
    }
}
