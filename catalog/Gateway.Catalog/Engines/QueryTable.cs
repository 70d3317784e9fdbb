namespace Gateway.Catalog.Engines;

/// <summary>A result column: its name and the engine's type name (DuckDB's or Athena's).</summary>
/// <param name="Name">Column label.</param>
/// <param name="Type">Engine type name, lower case (bigint, double, varchar, timestamp…).</param>
public sealed record QueryColumn(string Name, string Type);

/// <summary>What a query returned, whichever engine ran it.</summary>
/// <param name="Columns">Columns in order.</param>
/// <param name="Rows">Cells: null for SQL NULL, else <see cref="long"/>, <see cref="double"/>, <see cref="decimal"/>,
/// <see cref="bool"/>, <see cref="DateTime"/> (UTC wall time), <see cref="DateOnly"/> or <see cref="string"/>.</param>
/// <param name="Statistics">Time taken and, when the engine reports it, bytes scanned.</param>
public sealed record QueryTable(IReadOnlyList<QueryColumn> Columns, IReadOnlyList<object?[]> Rows, QueryStatistics Statistics);

/// <summary>Measurements of one query.</summary>
/// <param name="Elapsed">Wall time from submission to the last row.</param>
/// <param name="BytesScanned">Bytes the engine read (Athena's DataScannedInBytes); null when the engine does not say.</param>
/// <param name="QueryId">The engine's id of the query (Athena's QueryExecutionId); null locally.</param>
public sealed record QueryStatistics(TimeSpan Elapsed, long? BytesScanned, string? QueryId);
