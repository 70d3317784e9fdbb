using System.Text;

namespace Gateway.Catalog;

/// <summary>Markdown column tables generated from <see cref="EventSchema"/>, pasted into README.md between the markers.</summary>
public static class SchemaMarkdown
{
    /// <summary>The line before the generated block in README.md.</summary>
    public const string BeginMarker = "<!-- columns:begin -->";

    /// <summary>The line after the generated block in README.md.</summary>
    public const string EndMarker = "<!-- columns:end -->";

    /// <summary>A table with one row per column, then one per partition key: column | type | null? | from / rules.</summary>
    public static string ColumnTable(TableSchema table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var text = new StringBuilder();
        text.Append("| column | type | null? | from / rules |\n");
        text.Append("|---|---|---|---|\n");
        foreach (var column in table.Columns)
        {
            Row(text, $"`{column.Name}`", column);
        }

        foreach (var key in table.PartitionKeys)
        {
            Row(text, $"`{key.Name}` (partition)", key);
        }

        return text.ToString();
    }

    /// <summary>The README block for every table in <see cref="EventSchema.Tables"/>, markers included, lines ending in <c>\n</c>.</summary>
    public static string ReadmeBlock() => ReadmeBlock(EventSchema.Tables);

    /// <summary>The README block for <paramref name="tables"/>, markers included.</summary>
    public static string ReadmeBlock(IEnumerable<TableSchema> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var text = new StringBuilder();
        text.Append(BeginMarker).Append('\n');
        text.Append("Types are the Glue/Athena names; a `timestamp` holds milliseconds, UTC. Partition keys are the Hive folders ")
            .Append("(`year=2025/month=01/day=31/hour=09/`), not columns inside the files.\n");
        foreach (var table in tables)
        {
            text.Append('\n').Append('`').Append(table.Name).Append("`: ").Append(Cell(table.Description)).Append(".\n\n");
            text.Append(ColumnTable(table));
        }

        text.Append(EndMarker).Append('\n');
        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, Column column) =>
        text.Append("| ").Append(name)
            .Append(" | ").Append(column.Type.GlueName())
            .Append(" | ").Append(column.IsNullable ? "yes" : "no")
            .Append(" | ").Append(Cell(column.Description)).Append(' ').Append(Cell(column.Source))
            .Append(" |\n");

    // A cell is one line, and a bare | would end it early.
    private static string Cell(string text) => text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);
}
