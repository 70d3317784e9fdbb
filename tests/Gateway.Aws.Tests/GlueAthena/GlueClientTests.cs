using System.Net;
using System.Text.Json.Nodes;
using Gateway.Aws.Glue;
using Gateway.Aws.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Aws.Tests.GlueAthena;

/// <summary>The Glue client against <see cref="FakeGlue"/>, a signature-checking JSON 1.1 server on 127.0.0.1.</summary>
public sealed class GlueClientTests : IAsyncLifetime
{
    private FakeGlue _glue = null!;
    private GlueClient _client = null!;

    public async Task InitializeAsync()
    {
        _glue = await FakeGlue.StartAsync("analytics");
        _client = _glue.Client();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _glue.DisposeAsync();
    }

    [Fact]
    public async Task CreateTable_sends_the_spec_TableInput_with_botocore_names_and_no_null_members()
    {
        await _client.CreateTableAsync("analytics", Tables.Events());

        var call = Assert.Single(_glue.Server.CallsTo("CreateTable"));
        Assert.Equal("AWSGlue.CreateTable", call.Headers["x-amz-target"]);
        // Structural equality: a "Description": null or "Comment": null member would make the objects differ.
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(Tables.SpecCreateTableBody), call.Body),
            $"CreateTable body differs from spec 06 §6.2:\n{call.BodyText}");
        Assert.Empty(_glue.Server.Rejections);
    }

    [Fact]
    public async Task Description_and_column_comments_are_sent_when_set()
    {
        var table = Tables.Events().WithColumns(new GlueColumn("ts", "timestamp", "event time, UTC")) with { Description = "one row per beacon hit" };

        await _client.CreateTableAsync("analytics", table);

        var input = Assert.Single(_glue.Server.CallsTo("CreateTable")).Body["TableInput"]!;
        Assert.Equal("one row per beacon hit", (string?)input["Description"]);
        Assert.Equal("event time, UTC", (string?)input["StorageDescriptor"]!["Columns"]![0]!["Comment"]);
    }

    [Fact]
    public async Task GetTable_reads_the_table_back_and_ignores_the_members_Glue_adds()
    {
        var seeded = Tables.SpecTableInputJson();
        seeded["Description"] = "beacon hits";
        seeded["PartitionKeys"]![0]!["Comment"] = "UTC year";
        _glue.Seed("analytics", seeded);

        var table = await _client.GetTableAsync("analytics", "events");

        Assert.Equal("{\"DatabaseName\":\"analytics\",\"Name\":\"events\"}", Assert.Single(_glue.Server.CallsTo("GetTable")).BodyText);
        Assert.NotNull(table);
        var expected = Tables.Events() with { Description = "beacon hits", PartitionKeys = [new("year", "string", "UTC year"), new("month", "string"), new("day", "string")] };
        Assert.Empty(GlueTableDiff.Describe(table, expected));
        Assert.Equal(Tables.ParquetSerDe, table.StorageDescriptor.SerdeInfo.SerializationLibrary);
        Assert.Equal("2024,2035", table.Parameters["projection.year.range"]);
        Assert.Equal(["ts", "event", "country"], table.StorageDescriptor.Columns.Select(c => c.Name));
    }

    [Fact]
    public async Task GetTable_of_a_missing_table_is_null_from_an_HTTP_400_EntityNotFoundException()
    {
        var table = await _client.GetTableAsync("analytics", "nope");

        Assert.Null(table);
        Assert.Single(_glue.Server.CallsTo("GetTable"));
    }

    [Fact]
    public async Task GetTable_throws_errors_other_than_EntityNotFound()
    {
        using var client = new GlueClient(
            new GlueClientOptions { Region = FakeGlue.Region, ServiceUrl = _glue.Server.Endpoint },
            new HttpClient(),
            new StaticCredentialsProvider(new AwsCredentials(Some.Credentials.AccessKeyId, "not-the-secret")));

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => client.GetTableAsync("analytics", "events"));

        Assert.Equal("InvalidSignatureException", e.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Contains("check AWS_PROFILE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTable_errors_carry_Glue_s_message_and_a_fix()
    {
        _glue.Seed("analytics", Tables.SpecTableInputJson());

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _client.CreateTableAsync("analytics", Tables.Events()));

        Assert.Equal("Glue", e.Service);
        Assert.Equal("CreateTable", e.Operation);
        Assert.Equal("AlreadyExistsException", e.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Contains("Table already exists", e.Message, StringComparison.Ordinal);
        Assert.Contains("'analytics.events' already exists; update it instead", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTable_in_a_missing_database_says_to_create_the_database()
    {
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _client.CreateTableAsync("nodb", Tables.Events()));

        Assert.Equal("EntityNotFoundException", e.ErrorCode);
        Assert.Contains("Database nodb not found", e.Message, StringComparison.Ordinal);
        Assert.Contains("create the database", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateTable_replaces_the_definition()
    {
        _glue.Seed("analytics", Tables.SpecTableInputJson());
        var wider = Tables.Events().WithColumns(new("ts", "timestamp"), new("event", "string"), new("country", "string"), new("asn", "int"));

        await _client.UpdateTableAsync("analytics", wider);

        var call = Assert.Single(_glue.Server.CallsTo("UpdateTable"));
        Assert.Equal("analytics", (string?)call.Body["DatabaseName"]);
        Assert.Equal("asn", (string?)call.Body["TableInput"]!["StorageDescriptor"]!["Columns"]![3]!["Name"]);
        Assert.Equal(4, _glue.Table("analytics", "events")!["StorageDescriptor"]!["Columns"]!.AsArray().Count);
    }

    [Fact]
    public async Task ApplyTable_creates_then_leaves_alone_then_updates_what_changed()
    {
        Assert.Equal(GlueApplyOutcome.Created, (await _client.ApplyTableAsync("analytics", Tables.Events())).Outcome);
        Assert.Equal(GlueApplyOutcome.Unchanged, (await _client.ApplyTableAsync("analytics", Tables.Events())).Outcome);
        var longer = Tables.Events().WithParameters(p => p["projection.year.range"] = "2024,2040");
        Assert.Equal(GlueApplyOutcome.Updated, (await _client.ApplyTableAsync("analytics", longer)).Outcome);
        Assert.Equal(GlueApplyOutcome.Unchanged, (await _client.ApplyTableAsync("analytics", longer)).Outcome);

        Assert.Equal(["GetTable", "CreateTable", "GetTable", "GetTable", "UpdateTable", "GetTable"], _glue.Server.Calls.Select(c => c.Operation));
        Assert.Equal("2024,2040", (string?)_glue.Table("analytics", "events")!["Parameters"]!["projection.year.range"]);
    }

    [Fact]
    public async Task ApplyTable_ignores_bookkeeping_parameters_Athena_DDL_adds()
    {
        var seeded = Tables.SpecTableInputJson();
        seeded["Parameters"]!["transient_lastDdlTime"] = "1700000000";
        _glue.Seed("analytics", seeded);

        Assert.Equal(GlueApplyOutcome.Unchanged, (await _client.ApplyTableAsync("analytics", Tables.Events())).Outcome);
        Assert.Empty(_glue.Server.CallsTo("UpdateTable"));
    }

    [Fact]
    public async Task ApplyTable_removes_a_parameter_the_definition_no_longer_has()
    {
        var seeded = Tables.SpecTableInputJson();
        seeded["Parameters"]!["projection.hour.type"] = "integer";
        _glue.Seed("analytics", seeded);

        Assert.Equal(GlueApplyOutcome.Updated, (await _client.ApplyTableAsync("analytics", Tables.Events())).Outcome);
        Assert.Null(_glue.Table("analytics", "events")!["Parameters"]!["projection.hour.type"]);
    }

    [Fact]
    public async Task ApplyTable_that_loses_the_create_race_compares_with_the_winner()
    {
        var seeded = Tables.SpecTableInputJson();
        seeded["Parameters"]!["projection.year.range"] = "2020,2030";
        _glue.Seed("analytics", seeded);
        _glue.HideFromNextGets(1);

        Assert.Equal(GlueApplyOutcome.Updated, (await _client.ApplyTableAsync("analytics", Tables.Events())).Outcome);

        Assert.Equal(["GetTable", "CreateTable", "GetTable", "UpdateTable"], _glue.Server.Calls.Select(c => c.Operation));
        Assert.Equal("2024,2035", (string?)_glue.Table("analytics", "events")!["Parameters"]!["projection.year.range"]);
    }

    [Fact]
    public async Task ApplyTable_appends_a_column_to_the_end()
    {
        await _client.ApplyTableAsync("analytics", Tables.Events());
        var columns = Tables.Events().StorageDescriptor.Columns;

        var result = await _client.ApplyTableAsync("analytics", Tables.Events().WithColumns([.. columns, new GlueColumn("consent", "string", "Consent state.")]));

        Assert.Equal(GlueApplyOutcome.Updated, result.Outcome);
        Assert.Equal(["column 'consent' added (string)"], result.Changes);
        Assert.Equal("consent", (string?)_glue.Table("analytics", "events")!["StorageDescriptor"]!["Columns"]!.AsArray()[^1]!["Name"]);
    }

    [Theory]
    [InlineData("drop", "column 2 'event' (string) would become 'country' (string)")]
    [InlineData("retype", "column 1 'ts' (timestamp) would become 'ts' (bigint)")]
    [InlineData("truncate", "would be removed")]
    public async Task ApplyTable_refuses_to_drop_rename_or_retype_a_column_and_sends_no_update(string change, string expected)
    {
        await _client.ApplyTableAsync("analytics", Tables.Events());
        var columns = Tables.Events().StorageDescriptor.Columns;
        GlueColumn[] edited = change switch
        {
            "drop" => [columns[0], .. columns.Skip(2)],
            "retype" => [columns[0] with { Type = "bigint" }, .. columns.Skip(1)],
            _ => [.. columns.Take(columns.Count - 1)],
        };

        var error = await Assert.ThrowsAsync<GlueSchemaConflictException>(() => _client.ApplyTableAsync("analytics", Tables.Events().WithColumns(edited)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("only appended", error.Message, StringComparison.Ordinal);
        Assert.Empty(_glue.Server.CallsTo("UpdateTable"));
    }

    [Fact]
    public async Task CreateDatabaseIfMissing_creates_once_and_then_reports_it_exists()
    {
        Assert.True(await _client.CreateDatabaseIfMissingAsync("lake", "Beacon events."));
        Assert.False(await _client.CreateDatabaseIfMissingAsync("lake", "Beacon events."));

        var call = _glue.Server.CallsTo("CreateDatabase")[0];
        Assert.Equal("""{"DatabaseInput":{"Name":"lake","Description":"Beacon events."}}""", call.BodyText);
        Assert.True(_glue.HasDatabase("lake"));
        Assert.Equal(GlueApplyOutcome.Created, (await _client.ApplyTableAsync("lake", Tables.Events())).Outcome);
    }
}
