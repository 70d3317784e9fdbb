using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Aws;
using Gateway.Aws.Athena;

namespace Gateway.Tests.Shared;

/// <summary>A result column of a scripted query.</summary>
internal sealed record FakeColumn(string Name, string Type);

/// <summary>How the next query started on <see cref="FakeAthena"/> behaves.</summary>
internal sealed record AthenaScript
{
    /// <summary>DML, DDL or UTILITY.</summary>
    public string StatementType { get; init; } = AthenaStatementType.Dml;

    public string SubstatementType { get; init; } = "SELECT";

    /// <summary>The state each GetQueryExecution reports, in turn; the last one repeats.</summary>
    public IReadOnlyList<string> States { get; init; } = [AthenaQueryState.Succeeded];

    public IReadOnlyList<FakeColumn> Columns { get; init; } = [];

    /// <summary>Data rows; a null element is sent as a Datum without VarCharValue.</summary>
    public IReadOnlyList<string?[]> Rows { get; init; } = [];

    /// <summary>Whether the first page starts with a row repeating the column labels; null means "when DML", as Athena does.</summary>
    public bool? HeaderRow { get; init; }

    public string? StateChangeReason { get; init; }

    /// <summary>AthenaError of a FAILED query.</summary>
    public AthenaError? Error { get; init; }

    public long DataScannedInBytes { get; init; } = 52_428_800;

    public long EngineExecutionTimeInMillis { get; init; } = 1234;

    public long TotalExecutionTimeInMillis { get; init; } = 1500;

    public long? UpdateCount { get; init; }
}

/// <summary>
/// Athena behind a <see cref="FakeJson11Server"/>: StartQueryExecution takes the next <see cref="AthenaScript"/>
/// (a repeated ClientRequestToken returns the same query, as Athena's idempotency promises), GetQueryExecution walks
/// the script's states, GetQueryResults pages rows by MaxResults with a NextToken and the header row of a DML
/// result, StopQueryExecution cancels. Answers follow spec 06 §6.5 and the botocore model.
/// </summary>
internal sealed class FakeAthena : IAsyncDisposable
{
    public const string Region = "eu-west-1";

    private const long SubmittedAt = 1_700_000_000;

    private readonly Lock _gate = new();
    private readonly Queue<AthenaScript> _scripts = new();
    private readonly Dictionary<string, Query> _queries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idsByToken = new(StringComparer.Ordinal);
    private int _lostStartResponses;

    private FakeAthena()
    {
    }

    public FakeJson11Server Server { get; private set; } = null!;

    /// <summary>How many distinct queries were started.</summary>
    public int QueriesStarted
    {
        get
        {
            lock (_gate)
            {
                return _queries.Count;
            }
        }
    }

    public static async Task<FakeAthena> StartAsync(AwsCredentials? credentials = null)
    {
        var fake = new FakeAthena();
        fake.Server = await FakeJson11Server.StartAsync(AthenaClient.SigningName, AthenaClient.TargetPrefix, Region, credentials ?? TestAws.Credentials, fake.Respond);
        return fake;
    }

    public FakeAthena Enqueue(AthenaScript script)
    {
        lock (_gate)
        {
            _scripts.Enqueue(script);
        }

        return this;
    }

    /// <summary>The next <paramref name="count"/> StartQueryExecution calls start their query but answer 500, as if the response were lost.</summary>
    public void LoseStartResponses(int count)
    {
        lock (_gate)
        {
            _lostStartResponses = count;
        }
    }

    public AthenaClient Client(TimeProvider time, AthenaClientOptions? options = null, AwsCredentials? credentials = null) =>
        new(
            (options ?? new AthenaClientOptions()) with { Region = Region, ServiceUrl = Server.Endpoint },
            new HttpClient(),
            new StaticCredentialsProvider(credentials ?? TestAws.Credentials),
            time);

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private static Json11Reply Invalid(string message) => Json11Reply.Error("InvalidRequestException", message);

    private static JsonArray ColumnInfo(AthenaScript script) =>
        [.. script.Columns.Select(c => (JsonNode)new JsonObject
        {
            ["CatalogName"] = "hive",
            ["SchemaName"] = "",
            ["TableName"] = "",
            ["Name"] = c.Name,
            ["Label"] = c.Name,
            ["Type"] = c.Type,
            ["Precision"] = c.Type == "timestamp" ? 3 : 0,
            ["Scale"] = 0,
            ["Nullable"] = "UNKNOWN",
            ["CaseSensitive"] = c.Type == "varchar",
        })];

    private static JsonObject RowJson(IEnumerable<string?> values) =>
        new() { ["Data"] = new JsonArray([.. values.Select(v => (JsonNode)(v is null ? new JsonObject() : new JsonObject { ["VarCharValue"] = v }))]) };

    private Json11Reply Respond(Json11Call call)
    {
        lock (_gate)
        {
            return call.Operation switch
            {
                "StartQueryExecution" => Start(call.Body),
                "GetQueryExecution" => WithQuery(call.Body, Describe),
                "GetQueryResults" => WithQuery(call.Body, q => Results(q, call.Body)),
                "StopQueryExecution" => WithQuery(call.Body, Stop),
                _ => Json11Reply.Error("UnknownOperationException", $"{call.Operation} is not an Athena operation this fake knows"),
            };
        }
    }

    private Json11Reply Start(JsonObject body)
    {
        var sql = (string?)body["QueryString"];
        if (string.IsNullOrEmpty(sql) || sql.Length > 262_144)
        {
            return Invalid("QueryString must be 1..262144 characters");
        }

        var token = (string?)body["ClientRequestToken"];
        if (token is { Length: < 32 or > 128 })
        {
            return Invalid($"ClientRequestToken length {token.Length} is outside 32..128");
        }

        if (body["ExecutionParameters"] is JsonArray { Count: 0 })
        {
            return Invalid("ExecutionParameters must have at least 1 element");
        }

        if (token is null || !_idsByToken.TryGetValue(token, out var id))
        {
            if (!_scripts.TryDequeue(out var script))
            {
                return Invalid("the test scripted no more queries");
            }

            id = Guid.NewGuid().ToString();
            _queries[id] = new Query(id, script, body);
            if (token is not null)
            {
                _idsByToken[token] = id;
            }
        }

        if (_lostStartResponses > 0)
        {
            _lostStartResponses--;
            return Json11Reply.Error("InternalServerException", "We encountered an internal error. Please try again.", HttpStatusCode.InternalServerError);
        }

        return Json11Reply.Ok(new JsonObject { ["QueryExecutionId"] = id });
    }

    private Json11Reply WithQuery(JsonObject body, Func<Query, Json11Reply> answer)
    {
        var id = (string?)body["QueryExecutionId"];
        return id is not null && _queries.TryGetValue(id, out var query)
            ? answer(query)
            : Invalid($"QueryExecution {id} was not found");
    }

    private Json11Reply Describe(Query query)
    {
        var script = query.Script;
        var state = query.Stopped ? AthenaQueryState.Cancelled : script.States[Math.Min(query.Polls, script.States.Count - 1)];
        query.Polls++;
        query.LastState = state;
        var terminal = state is not (AthenaQueryState.Queued or AthenaQueryState.Running);
        var status = new JsonObject { ["State"] = state, ["SubmissionDateTime"] = SubmittedAt + 0.123m };
        if (terminal)
        {
            status["CompletionDateTime"] = SubmittedAt + 2.5m;
        }

        if (script.StateChangeReason is { } reason && terminal)
        {
            status["StateChangeReason"] = reason;
        }

        if (script.Error is { } error && state == AthenaQueryState.Failed)
        {
            status["AthenaError"] = new JsonObject
            {
                ["ErrorCategory"] = error.ErrorCategory,
                ["ErrorType"] = error.ErrorType,
                ["Retryable"] = error.Retryable,
                ["ErrorMessage"] = error.ErrorMessage,
            };
        }

        var output = (string?)query.Start["ResultConfiguration"]?["OutputLocation"] ?? "s3://fake-athena-results/";
        var execution = new JsonObject
        {
            ["QueryExecutionId"] = query.Id,
            ["Query"] = (string?)query.Start["QueryString"],
            ["StatementType"] = script.StatementType,
            ["ResultConfiguration"] = new JsonObject { ["OutputLocation"] = $"{output}{query.Id}.csv" },
            ["QueryExecutionContext"] = query.Start["QueryExecutionContext"]?.DeepClone() ?? new JsonObject(),
            ["Status"] = status,
            ["Statistics"] = new JsonObject
            {
                ["EngineExecutionTimeInMillis"] = terminal ? script.EngineExecutionTimeInMillis : 0,
                ["DataScannedInBytes"] = terminal ? script.DataScannedInBytes : 0,
                ["TotalExecutionTimeInMillis"] = terminal ? script.TotalExecutionTimeInMillis : 0,
                ["QueryQueueTimeInMillis"] = 80,
                ["ServicePreProcessingTimeInMillis"] = 40,
                ["QueryPlanningTimeInMillis"] = 120,
                ["ServiceProcessingTimeInMillis"] = 25,
                ["ResultReuseInformation"] = new JsonObject { ["ReusedPreviousResult"] = false },
            },
            ["WorkGroup"] = (string?)query.Start["WorkGroup"] ?? "primary",
            ["EngineVersion"] = new JsonObject { ["SelectedEngineVersion"] = "AUTO", ["EffectiveEngineVersion"] = "Athena engine version 3" },
            ["SubstatementType"] = script.SubstatementType,
        };
        return Json11Reply.Ok(new JsonObject { ["QueryExecution"] = execution });
    }

    private Json11Reply Results(Query query, JsonObject body)
    {
        if (query.LastState != AthenaQueryState.Succeeded)
        {
            return Invalid($"Query has not yet finished. Current state: {query.LastState ?? AthenaQueryState.Queued}");
        }

        var max = (int?)body["MaxResults"] ?? 1000;
        if (max is < 1 or > 1000)
        {
            return Invalid($"MaxResults {max} is outside 1..1000");
        }

        var script = query.Script;
        var all = new List<JsonObject>();
        if (script.HeaderRow ?? script.StatementType == AthenaStatementType.Dml)
        {
            all.Add(RowJson(script.Columns.Select(c => c.Name)));
        }

        all.AddRange(script.Rows.Select(RowJson));
        var offset = 0;
        if ((string?)body["NextToken"] is { } token)
        {
            // Opaque to the client; here it is the query id and the offset of the page it continues at.
            var parts = token.Split('/');
            if (parts.Length != 2 || parts[0] != query.Id || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset > all.Count)
            {
                return Invalid($"NextToken '{token}' is not valid for query {query.Id}");
            }
        }

        var page = all.Skip(offset).Take(max).ToList();
        var response = new JsonObject
        {
            ["ResultSet"] = new JsonObject
            {
                ["Rows"] = new JsonArray([.. page]),
                ["ResultSetMetadata"] = new JsonObject { ["ColumnInfo"] = ColumnInfo(script) },
            },
        };
        if (script.UpdateCount is { } count)
        {
            response["UpdateCount"] = count;
        }

        if (offset + page.Count < all.Count)
        {
            response["NextToken"] = $"{query.Id}/{(offset + page.Count).ToString(CultureInfo.InvariantCulture)}";
        }

        return Json11Reply.Ok(response);
    }

    private static Json11Reply Stop(Query query)
    {
        query.Stopped = true;
        return Json11Reply.Ok(new JsonObject());
    }

    private sealed class Query(string id, AthenaScript script, JsonObject start)
    {
        public string Id { get; } = id;

        public AthenaScript Script { get; } = script;

        public JsonObject Start { get; } = (JsonObject)start.DeepClone();

        public int Polls { get; set; }

        public string? LastState { get; set; }

        public bool Stopped { get; set; }
    }
}
