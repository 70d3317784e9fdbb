namespace Gateway.Aws.Glue;

/// <summary>
/// An update refused because it would drop or change columns the Glue table has. Lake columns are only ever appended:
/// Parquet files written under the old definition must stay readable, and analysts' SQL must keep working.
/// </summary>
public sealed class GlueSchemaConflictException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="databaseName"/>.<paramref name="tableName"/>.</summary>
    public GlueSchemaConflictException(string databaseName, string tableName, IReadOnlyList<string> lostColumns)
        : base($"Glue table {databaseName}.{tableName} was not updated: {string.Join("; ", lostColumns)}. Lake columns are only appended, so this "
            + "definition is older than the table or breaks it; deploy the newer gateway, or drop the table first if removing columns is really meant.")
    {
        DatabaseName = databaseName;
        TableName = tableName;
        LostColumns = lostColumns;
    }

    /// <summary>The Glue database.</summary>
    public string DatabaseName { get; }

    /// <summary>The table.</summary>
    public string TableName { get; }

    /// <summary>One line per column that would be lost or changed.</summary>
    public IReadOnlyList<string> LostColumns { get; }
}
