using System.Net;
using System.Text.Json.Nodes;
using Gateway.Aws.Athena;
using Gateway.Aws.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Aws.Tests.GlueAthena;

/// <summary>The raw Athena calls: request bodies and response parsing, against <see cref="FakeAthena"/>.</summary>
public sealed class AthenaClientTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(Some.SigningTime);
    private FakeAthena _athena = null!;
    private AthenaClient _client = null!;

    public async Task InitializeAsync()
    {
        _athena = await FakeAthena.StartAsync();
        _client = _athena.Client(_time);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _athena.DisposeAsync();
    }

    [Fact]
    public async Task StartQueryExecution_sends_every_member_under_its_botocore_name()
    {
        _athena.Enqueue(new AthenaScript());

        var response = await _client.StartQueryExecutionAsync(new StartQueryExecutionRequest
        {
            QueryString = "SELECT count(*) FROM events WHERE country = ? AND asn = ?",
            ClientRequestToken = "0123456789abcdef0123456789abcdef",
            QueryExecutionContext = new QueryExecutionContext { Database = "analytics", Catalog = "AwsDataCatalog" },
            ResultConfiguration = new ResultConfiguration { OutputLocation = "s3://bucket/athena-results/", EncryptionConfiguration = new EncryptionConfiguration { EncryptionOption = "SSE_S3" } },
            WorkGroup = "primary",
            ExecutionParameters = ["'DE'", "3320"],
        });

        var call = Assert.Single(_athena.Server.CallsTo("StartQueryExecution"));
        Assert.Equal("AmazonAthena.StartQueryExecution", call.Headers["x-amz-target"]);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""
                { "QueryString": "SELECT count(*) FROM events WHERE country = ? AND asn = ?",
                  "ClientRequestToken": "0123456789abcdef0123456789abcdef",
                  "QueryExecutionContext": { "Database": "analytics", "Catalog": "AwsDataCatalog" },
                  "ResultConfiguration": { "OutputLocation": "s3://bucket/athena-results/", "EncryptionConfiguration": { "EncryptionOption": "SSE_S3" } },
                  "WorkGroup": "primary",
                  "ExecutionParameters": ["'DE'", "3320"] }
                """),
            call.Body), call.BodyText);
        Assert.Matches("^[0-9a-f-]{36}$", response.QueryExecutionId);
    }

    [Fact]
    public async Task StartQueryExecution_without_a_token_sends_a_new_32_to_128_character_one_each_call()
    {
        _athena.Enqueue(new AthenaScript()).Enqueue(new AthenaScript());

        var first = await _client.StartQueryExecutionAsync(new StartQueryExecutionRequest { QueryString = "SELECT 1" });
        var second = await _client.StartQueryExecutionAsync(new StartQueryExecutionRequest { QueryString = "SELECT 1" });

        var tokens = _athena.Server.CallsTo("StartQueryExecution").Select(c => (string)c.Body["ClientRequestToken"]!).ToList();
        Assert.All(tokens, t => Assert.InRange(t.Length, 32, 128));
        Assert.NotEqual(tokens[0], tokens[1]);
        Assert.NotEqual(first.QueryExecutionId, second.QueryExecutionId);
        Assert.Equal("{\"QueryString\":\"SELECT 1\",\"ClientRequestToken\":\"" + tokens[0] + "\"}", _athena.Server.CallsTo("StartQueryExecution")[0].BodyText);
    }

    [Theory]
    // One short of Athena's minimum.
    [InlineData(31)]
    // One over its maximum.
    [InlineData(129)]
    public async Task A_token_outside_32_to_128_characters_is_refused_before_sending(int length)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _client.StartQueryExecutionAsync(new StartQueryExecutionRequest { QueryString = "SELECT 1", ClientRequestToken = new string('a', length) }));

        Assert.Empty(_athena.Server.Calls);
    }

    [Fact]
    public async Task GetQueryExecution_reads_state_statement_type_epoch_second_times_and_statistics()
    {
        _athena.Enqueue(new AthenaScript { StatementType = "DDL", SubstatementType = "CREATE_TABLE", DataScannedInBytes = 7, EngineExecutionTimeInMillis = 321, TotalExecutionTimeInMillis = 400 });
        var id = (await _client.StartQueryExecutionAsync(new StartQueryExecutionRequest { QueryString = "CREATE EXTERNAL TABLE t (x int)", WorkGroup = "adhoc" })).QueryExecutionId;

        var execution = (await _client.GetQueryExecutionAsync(new GetQueryExecutionRequest { QueryExecutionId = id })).QueryExecution;

        Assert.Equal("{\"QueryExecutionId\":\"" + id + "\"}", Assert.Single(_athena.Server.CallsTo("GetQueryExecution")).BodyText);
        Assert.Equal(id, execution.QueryExecutionId);
        Assert.Equal("CREATE EXTERNAL TABLE t (x int)", execution.Query);
        Assert.Equal(AthenaQueryState.Succeeded, execution.Status!.State);
        Assert.Equal("DDL", execution.StatementType);
        Assert.Equal("CREATE_TABLE", execution.SubstatementType);
        Assert.Equal("adhoc", execution.WorkGroup);
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, 123, TimeSpan.Zero), execution.Status.SubmissionDateTime);
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 22, 500, TimeSpan.Zero), execution.Status.CompletionDateTime);
        Assert.Equal(7, execution.Statistics!.DataScannedInBytes);
        Assert.Equal(321, execution.Statistics.EngineExecutionTimeInMillis);
        Assert.Equal(400, execution.Statistics.TotalExecutionTimeInMillis);
        Assert.Equal("Athena engine version 3", execution.EngineVersion!.EffectiveEngineVersion);
        Assert.Equal($"s3://fake-athena-results/{id}.csv", execution.ResultConfiguration!.OutputLocation);
    }

    [Fact]
    public async Task GetQueryExecution_of_a_failed_query_reads_its_AthenaError()
    {
        _athena.Enqueue(new AthenaScript
        {
            States = [AthenaQueryState.Failed],
            StateChangeReason = "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved",
            Error = new AthenaError { ErrorCategory = 2, ErrorType = 1006, Retryable = false, ErrorMessage = "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved" },
        });
        var id = (await _client.StartQueryExecutionAsync(new StartQueryExecutionRequest { QueryString = "SELECT x FROM events" })).QueryExecutionId;

        var status = (await _client.GetQueryExecutionAsync(new GetQueryExecutionRequest { QueryExecutionId = id })).QueryExecution.Status!;

        Assert.Equal(AthenaQueryState.Failed, status.State);
        Assert.Equal(2, status.AthenaError!.ErrorCategory);
        Assert.Equal(1006, status.AthenaError.ErrorType);
        Assert.False(status.AthenaError.Retryable);
        Assert.Equal("COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved", status.AthenaError.ErrorMessage);
    }

    [Fact]
    public async Task GetQueryResults_sends_NextToken_and_MaxResults_and_reads_a_missing_VarCharValue_as_null()
    {
        _athena.Enqueue(new AthenaScript
        {
            Columns = [new("ts", "timestamp"), new("event", "varchar")],
            Rows = [["2023-11-14 22:13:20.000", null], ["2023-11-14 22:13:21.000", "click"]],
        });
        var id = (await _client.StartQueryExecutionAsync(new StartQueryExecutionRequest { QueryString = "SELECT ts, event FROM events" })).QueryExecutionId;
        await _client.GetQueryExecutionAsync(new GetQueryExecutionRequest { QueryExecutionId = id });

        var first = await _client.GetQueryResultsAsync(new GetQueryResultsRequest { QueryExecutionId = id, MaxResults = 2 });
        var second = await _client.GetQueryResultsAsync(new GetQueryResultsRequest { QueryExecutionId = id, MaxResults = 2, NextToken = first.NextToken });

        Assert.Equal(
            ["{\"QueryExecutionId\":\"" + id + "\",\"MaxResults\":2}", "{\"QueryExecutionId\":\"" + id + "\",\"NextToken\":\"" + first.NextToken + "\",\"MaxResults\":2}"],
            _athena.Server.CallsTo("GetQueryResults").Select(c => c.BodyText));
        // The raw call leaves the header row in place.
        Assert.Equal(["ts", "event"], first.ResultSet!.Rows[0].Data.Select(d => d.VarCharValue));
        Assert.Equal(["2023-11-14 22:13:20.000", null], first.ResultSet.Rows[1].Data.Select(d => d.VarCharValue));
        var column = first.ResultSet.ResultSetMetadata!.ColumnInfo[0];
        Assert.Equal(("ts", "ts", "timestamp", 3, "hive"), (column.Name, column.Label, column.Type, column.Precision, column.CatalogName));
        Assert.NotNull(first.NextToken);
        Assert.Null(second.NextToken);
        Assert.Equal(["2023-11-14 22:13:21.000", "click"], Assert.Single(second.ResultSet!.Rows).Data.Select(d => d.VarCharValue));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task MaxResults_outside_1_to_1000_is_refused_before_sending(int maxResults)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.GetQueryResultsAsync(new GetQueryResultsRequest { QueryExecutionId = "q", MaxResults = maxResults }));

        Assert.Empty(_athena.Server.Calls);
    }

    [Fact]
    public async Task An_Athena_error_names_the_service_the_operation_and_the_query()
    {
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _client.GetQueryResultsAsync(new GetQueryResultsRequest { QueryExecutionId = "no-such-query" }));

        Assert.Equal("Athena", e.Service);
        Assert.Equal("GetQueryResults", e.Operation);
        Assert.Equal("InvalidRequestException", e.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Contains("QueryExecution no-such-query was not found", e.Message, StringComparison.Ordinal);
        Assert.Contains("query 'no-such-query' is unknown in eu-west-1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Temporary_credentials_sign_the_session_token()
    {
        var temporary = new AwsCredentials("ASIAEXAMPLE", "temporary-secret", "session-token");
        await using var athena = await FakeAthena.StartAsync(temporary);
        using var client = athena.Client(_time, credentials: temporary);
        athena.Enqueue(new AthenaScript());

        await client.StartQueryExecutionAsync(new StartQueryExecutionRequest { QueryString = "SELECT 1" });

        var call = Assert.Single(athena.Server.Calls);
        Assert.Equal("session-token", call.Headers["x-amz-security-token"]);
        Assert.Contains("x-amz-security-token", call.Headers["authorization"], StringComparison.Ordinal);
    }
}
