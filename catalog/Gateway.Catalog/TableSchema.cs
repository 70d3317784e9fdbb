namespace Gateway.Catalog;

/// <summary>One lake table: its columns in file order and its Hive partition keys (folders, not columns in the files).</summary>
/// <param name="Name">Table name in Glue and DuckDB.</param>
/// <param name="Description">What one row is, one sentence.</param>
/// <param name="Columns">Columns in order; new ones are only ever appended (see <see cref="SchemaLock"/>).</param>
/// <param name="PartitionKeys">Partition keys in folder order.</param>
public sealed record TableSchema(string Name, string Description, IReadOnlyList<Column> Columns, IReadOnlyList<Column> PartitionKeys)
{
    /// <summary>The column names in order.</summary>
    public IReadOnlyList<string> ColumnNames => [.. Columns.Select(c => c.Name)];
}
