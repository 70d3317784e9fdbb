namespace Gateway.Catalog.Tests;

public sealed class SchemaMarkdownTests
{
    private static readonly TableSchema Sample = new(
        "sample",
        "a table for the renderer",
        [
            new Column("id", LakeType.BigInt, false, "Row id.", "Counter."),
            new Column("note", LakeType.String, true, "Free text.", "`a|b` split\non two lines."),
        ],
        [new Column("day", LakeType.String, false, "Partition: the day.", "From `id`.")]);

    [Fact]
    public void Column_table_has_one_row_per_column_then_per_partition_key()
    {
        var lines = SchemaMarkdown.ColumnTable(Sample).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(
        [
            "| column | type | null? | from / rules |",
            "|---|---|---|---|",
            "| `id` | bigint | no | Row id. Counter. |",
            // A pipe would end the cell and a newline the row: both are neutralised.
            "| `note` | string | yes | Free text. `a\\|b` split on two lines. |",
            "| `day` (partition) | string | no | Partition: the day. From `id`. |",
        ], lines);
    }

    [Fact]
    public void Readme_block_starts_and_ends_with_the_markers_and_holds_every_table()
    {
        var block = SchemaMarkdown.ReadmeBlock();

        Assert.StartsWith(SchemaMarkdown.BeginMarker + "\n", block, StringComparison.Ordinal);
        Assert.EndsWith(SchemaMarkdown.EndMarker + "\n", block, StringComparison.Ordinal);
        foreach (var table in EventSchema.Tables)
        {
            Assert.Contains(SchemaMarkdown.ColumnTable(table), block, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(LakeType.Timestamp, "timestamp")]
    [InlineData(LakeType.String, "string")]
    [InlineData(LakeType.Int, "int")]
    [InlineData(LakeType.BigInt, "bigint")]
    [InlineData(LakeType.Double, "double")]
    [InlineData(LakeType.Boolean, "boolean")]
    public void Each_lake_type_has_its_glue_name_and_parses_back(LakeType type, string glue)
    {
        Assert.Equal(glue, type.GlueName());
        Assert.True(LakeTypes.TryParseGlueName(glue, out var parsed));
        Assert.Equal(type, parsed);
    }
}
