using System.Text.Json.Serialization;

namespace Gateway.Aws.Athena;

/// <summary>StartQueryExecution input (botocore <c>athena/2017-05-18</c>).</summary>
public sealed record StartQueryExecutionRequest
{
    /// <summary>The SQL, 1..262,144 characters.</summary>
    public required string QueryString { get; init; }

    /// <summary>Idempotency token, 32..128 characters; a retry with the same token starts no second query. Generated when null.</summary>
    public string? ClientRequestToken { get; init; }

    /// <summary>The database and catalog unqualified names resolve in.</summary>
    public QueryExecutionContext? QueryExecutionContext { get; init; }

    /// <summary>Where the result CSV goes; null uses the workgroup's setting.</summary>
    public ResultConfiguration? ResultConfiguration { get; init; }

    /// <summary>The workgroup; null means <c>primary</c>.</summary>
    public string? WorkGroup { get; init; }

    /// <summary>Values for the query's <c>?</c> placeholders, in order, as SQL literals (<c>'x'</c>, <c>42</c>).</summary>
    public IReadOnlyList<string>? ExecutionParameters { get; init; }
}

/// <summary>The database and catalog a query runs in.</summary>
public sealed record QueryExecutionContext
{
    /// <summary>The database (Glue database) unqualified table names resolve in.</summary>
    public string? Database { get; init; }

    /// <summary>The data catalog; null means <c>AwsDataCatalog</c>.</summary>
    public string? Catalog { get; init; }
}

/// <summary>Where and how Athena writes a query's results.</summary>
public sealed record ResultConfiguration
{
    /// <summary>An S3 prefix such as <c>s3://bucket/athena-results/</c>.</summary>
    public string? OutputLocation { get; init; }

    /// <summary>How the result files are encrypted.</summary>
    public EncryptionConfiguration? EncryptionConfiguration { get; init; }

    /// <summary>The account expected to own the output bucket.</summary>
    public string? ExpectedBucketOwner { get; init; }
}

/// <summary>Result encryption.</summary>
public sealed record EncryptionConfiguration
{
    /// <summary>SSE_S3, SSE_KMS or CSE_KMS.</summary>
    public required string EncryptionOption { get; init; }

    /// <summary>The KMS key for the KMS options.</summary>
    public string? KmsKey { get; init; }
}

/// <summary>StartQueryExecution output.</summary>
public sealed record StartQueryExecutionResponse
{
    /// <summary>The id to poll and read results with.</summary>
    public string QueryExecutionId { get; init; } = "";
}

/// <summary>GetQueryExecution input.</summary>
public sealed record GetQueryExecutionRequest
{
    /// <summary>The query's id.</summary>
    public required string QueryExecutionId { get; init; }
}

/// <summary>GetQueryExecution output.</summary>
public sealed record GetQueryExecutionResponse
{
    /// <summary>The query's state, statement type and statistics.</summary>
    public QueryExecution QueryExecution { get; init; } = new();
}

/// <summary>StopQueryExecution input.</summary>
public sealed record StopQueryExecutionRequest
{
    /// <summary>The query's id.</summary>
    public required string QueryExecutionId { get; init; }
}

/// <summary>StopQueryExecution output (empty).</summary>
public sealed record StopQueryExecutionResponse;

/// <summary>One query: what ran, where, its state and its statistics.</summary>
public sealed record QueryExecution
{
    /// <summary>The query's id.</summary>
    public string QueryExecutionId { get; init; } = "";

    /// <summary>The SQL as Athena received it.</summary>
    public string? Query { get; init; }

    /// <summary>One of the <see cref="AthenaStatementType"/> constants.</summary>
    public string? StatementType { get; init; }

    /// <summary>The kind of statement within its type, e.g. SELECT, CREATE_TABLE, SHOW_TABLES.</summary>
    public string? SubstatementType { get; init; }

    /// <summary>Where the results were written.</summary>
    public ResultConfiguration? ResultConfiguration { get; init; }

    /// <summary>The database and catalog it ran in.</summary>
    public QueryExecutionContext? QueryExecutionContext { get; init; }

    /// <summary>The state and, when it failed, why.</summary>
    public QueryExecutionStatus? Status { get; init; }

    /// <summary>Times and bytes scanned.</summary>
    public QueryExecutionStatistics? Statistics { get; init; }

    /// <summary>The workgroup it ran in.</summary>
    public string? WorkGroup { get; init; }

    /// <summary>The engine version asked for and the one used.</summary>
    public AthenaEngineVersion? EngineVersion { get; init; }
}

/// <summary>A query's state.</summary>
public sealed record QueryExecutionStatus
{
    /// <summary>One of the <see cref="AthenaQueryState"/> constants.</summary>
    public string State { get; init; } = "";

    /// <summary>Why the state changed, e.g. the error of a FAILED query.</summary>
    public string? StateChangeReason { get; init; }

    /// <summary>When the query was submitted.</summary>
    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTimeOffset? SubmissionDateTime { get; init; }

    /// <summary>When the query reached its final state.</summary>
    [JsonConverter(typeof(NullableEpochSecondsConverter))]
    public DateTimeOffset? CompletionDateTime { get; init; }

    /// <summary>The structured error of a FAILED query.</summary>
    public AthenaError? AthenaError { get; init; }
}

/// <summary>Why a query failed.</summary>
public sealed record AthenaError
{
    /// <summary>1 system, 2 user, 3 other.</summary>
    public int? ErrorCategory { get; init; }

    /// <summary>Athena's error type number (see the Athena user guide's error catalog).</summary>
    public int? ErrorType { get; init; }

    /// <summary>Whether running the query again may succeed.</summary>
    public bool? Retryable { get; init; }

    /// <summary>The engine's message, e.g. "line 1:8: Column 'x' cannot be resolved".</summary>
    public string? ErrorMessage { get; init; }
}

/// <summary>A query's times and bytes scanned.</summary>
public sealed record QueryExecutionStatistics
{
    /// <summary>Time the engine spent running the query.</summary>
    public long? EngineExecutionTimeInMillis { get; init; }

    /// <summary>Bytes read from S3, which Athena bills by.</summary>
    public long? DataScannedInBytes { get; init; }

    /// <summary>Time from submission to completion.</summary>
    public long? TotalExecutionTimeInMillis { get; init; }

    /// <summary>Time spent queued.</summary>
    public long? QueryQueueTimeInMillis { get; init; }

    /// <summary>Time spent before planning.</summary>
    public long? ServicePreProcessingTimeInMillis { get; init; }

    /// <summary>Time spent planning.</summary>
    public long? QueryPlanningTimeInMillis { get; init; }

    /// <summary>Time spent writing results after the engine finished.</summary>
    public long? ServiceProcessingTimeInMillis { get; init; }
}

/// <summary>Athena engine versions, e.g. "Athena engine version 3".</summary>
public sealed record AthenaEngineVersion
{
    /// <summary>The version the workgroup asks for, or AUTO.</summary>
    public string? SelectedEngineVersion { get; init; }

    /// <summary>The version that ran the query.</summary>
    public string? EffectiveEngineVersion { get; init; }
}

/// <summary>Query states (<c>QueryExecutionState</c>).</summary>
public static class AthenaQueryState
{
    /// <summary>Waiting to run.</summary>
    public const string Queued = "QUEUED";

    /// <summary>Running.</summary>
    public const string Running = "RUNNING";

    /// <summary>Finished; results can be read.</summary>
    public const string Succeeded = "SUCCEEDED";

    /// <summary>Finished with an error.</summary>
    public const string Failed = "FAILED";

    /// <summary>Stopped by a caller or a workgroup limit.</summary>
    public const string Cancelled = "CANCELLED";
}

/// <summary>Statement types (<c>StatementType</c>).</summary>
public static class AthenaStatementType
{
    /// <summary>CREATE, ALTER, DROP, MSCK … (no header row in the results).</summary>
    public const string Ddl = "DDL";

    /// <summary>SELECT, INSERT, CTAS … (a SELECT's first result row repeats the column names).</summary>
    public const string Dml = "DML";

    /// <summary>SHOW, DESCRIBE, EXPLAIN … (no header row).</summary>
    public const string Utility = "UTILITY";
}
