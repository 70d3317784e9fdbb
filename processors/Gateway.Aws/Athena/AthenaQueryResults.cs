namespace Gateway.Aws.Athena;

/// <summary>GetQueryResults input.</summary>
public sealed record GetQueryResultsRequest
{
    /// <summary>The id of a SUCCEEDED query.</summary>
    public required string QueryExecutionId { get; init; }

    /// <summary>The token from the previous page.</summary>
    public string? NextToken { get; init; }

    /// <summary>Rows per page, 1..1,000 (a SELECT's header row counts as one).</summary>
    public int? MaxResults { get; init; }

    /// <summary>DATA_ROWS or DATA_MANIFEST; null means DATA_ROWS.</summary>
    public string? QueryResultType { get; init; }
}

/// <summary>GetQueryResults output: one page of rows.</summary>
public sealed record GetQueryResultsResponse
{
    /// <summary>Rows changed by an INSERT, CTAS or UNLOAD.</summary>
    public long? UpdateCount { get; init; }

    /// <summary>The page's rows and the column metadata.</summary>
    public ResultSet? ResultSet { get; init; }

    /// <summary>The token for the next page; null on the last.</summary>
    public string? NextToken { get; init; }
}

/// <summary>Rows and their columns.</summary>
public sealed record ResultSet
{
    /// <summary>The rows; for a SELECT, the first row of the first page repeats the column names.</summary>
    public IReadOnlyList<Row> Rows { get; init; } = [];

    /// <summary>The columns.</summary>
    public ResultSetMetadata? ResultSetMetadata { get; init; }
}

/// <summary>One row.</summary>
public sealed record Row
{
    /// <summary>One datum per column.</summary>
    public IReadOnlyList<Datum> Data { get; init; } = [];
}

/// <summary>One cell; every value is text.</summary>
public sealed record Datum
{
    /// <summary>The value as text; absent (null) for SQL NULL.</summary>
    public string? VarCharValue { get; init; }
}

/// <summary>Column metadata of a result.</summary>
public sealed record ResultSetMetadata
{
    /// <summary>The columns in result order.</summary>
    public IReadOnlyList<ColumnInfo> ColumnInfo { get; init; } = [];
}

/// <summary>One result column.</summary>
public sealed record ColumnInfo
{
    /// <summary>The catalog, e.g. hive.</summary>
    public string? CatalogName { get; init; }

    /// <summary>The schema (database); often empty.</summary>
    public string? SchemaName { get; init; }

    /// <summary>The table; often empty.</summary>
    public string? TableName { get; init; }

    /// <summary>The column's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The column's label (its alias).</summary>
    public string? Label { get; init; }

    /// <summary>The Athena type: varchar, bigint, double, boolean, timestamp …</summary>
    public string Type { get; init; } = "";

    /// <summary>Precision, e.g. 3 for a millisecond timestamp.</summary>
    public int? Precision { get; init; }

    /// <summary>Scale of a decimal.</summary>
    public int? Scale { get; init; }

    /// <summary>NOT_NULL, NULLABLE or UNKNOWN.</summary>
    public string? Nullable { get; init; }

    /// <summary>Whether values compare case-sensitively.</summary>
    public bool? CaseSensitive { get; init; }
}
