namespace Gateway.Aws.Athena;

/// <summary>A query for <see cref="AthenaClient.RunQueryAsync(AthenaQuery, CancellationToken)"/>.</summary>
public sealed record AthenaQuery
{
    /// <summary>The SQL.</summary>
    public required string Sql { get; init; }

    /// <summary>The database unqualified table names resolve in; null leaves it to the SQL.</summary>
    public string? Database { get; init; }

    /// <summary>The workgroup; null means <c>primary</c>.</summary>
    public string? WorkGroup { get; init; }

    /// <summary>An S3 prefix for the result CSV; null uses the workgroup's output location (which must then be set).</summary>
    public string? OutputLocation { get; init; }

    /// <summary>The data catalog; null means <c>AwsDataCatalog</c>.</summary>
    public string? Catalog { get; init; }

    /// <summary>Values for <c>?</c> placeholders as SQL literals; null or empty for none.</summary>
    public IReadOnlyList<string>? ExecutionParameters { get; init; }

    /// <summary>Idempotency token (32..128 characters); null generates one per run.</summary>
    public string? ClientRequestToken { get; init; }
}

/// <summary>The rows of a finished query, with its columns and statistics.</summary>
/// <param name="Columns">Result columns in order.</param>
/// <param name="Rows">Data rows (never the header row); a SQL NULL is a null element.</param>
/// <param name="Statistics">The query's id, bytes scanned and times.</param>
/// <param name="StatementType">One of the <see cref="AthenaStatementType"/> constants, or null when Athena did not say.</param>
/// <param name="OutputLocation">The S3 object holding the full result CSV, when Athena reports it.</param>
/// <param name="UpdateCount">Rows changed by an INSERT, CTAS or UNLOAD, when Athena reports it.</param>
public sealed record AthenaQueryResult(
    IReadOnlyList<AthenaColumn> Columns,
    IReadOnlyList<string?[]> Rows,
    AthenaQueryStatistics Statistics,
    string? StatementType,
    string? OutputLocation,
    long? UpdateCount)
{
    /// <summary>The query's id (also in <see cref="Statistics"/>).</summary>
    public string QueryExecutionId => Statistics.QueryExecutionId;
}

/// <summary>A result column.</summary>
/// <param name="Name">The column's name (its alias).</param>
/// <param name="Type">The Athena type, e.g. varchar, bigint, timestamp.</param>
public sealed record AthenaColumn(string Name, string Type);

/// <summary>What a query cost.</summary>
/// <param name="QueryExecutionId">The query's id (for the console and support).</param>
/// <param name="DataScannedInBytes">Bytes read from S3, which Athena bills by.</param>
/// <param name="EngineExecutionTimeInMillis">Time the engine spent running the query.</param>
/// <param name="TotalExecutionTimeInMillis">Time from submission to completion, queueing included.</param>
public sealed record AthenaQueryStatistics(string QueryExecutionId, long DataScannedInBytes, long EngineExecutionTimeInMillis, long TotalExecutionTimeInMillis);
