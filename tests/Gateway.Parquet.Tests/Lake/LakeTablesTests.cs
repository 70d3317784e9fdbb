using Gateway.Catalog;
using Gateway.Parquet.Lake;
using Gateway.Processing.Enrichment;

namespace Gateway.Parquet.Tests.Lake;

/// <summary>The lake's Parquet schemas against the catalog, the single source of truth of the columns.</summary>
public sealed class LakeTablesTests
{
    public static TheoryData<string> Tables => new() { "events", "bad_rows" };

    [Theory]
    [MemberData(nameof(Tables))]
    public void Parquet_columns_match_the_catalog_in_name_order_type_and_nullability(string table)
    {
        var catalog = EventSchema.Tables.Single(t => t.Name == table);
        var parquet = LakeTables.Schema(table == "events" ? LakeTable.Events : LakeTable.BadRows);

        Assert.Equal(catalog.ColumnNames, parquet.Columns.Select(c => c.Name));
        Assert.All(catalog.Columns.Zip(parquet.Columns), pair =>
        {
            var (expected, actual) = pair;
            Assert.True(TypeOf(expected.Type) == (actual.Type, actual.Logical), $"{table}.{expected.Name}: catalog {expected.Type}, Parquet {actual.Type}/{actual.Logical}");
            Assert.True(expected.IsNullable == actual.IsOptional, $"{table}.{expected.Name}: catalog nullable={expected.IsNullable}, Parquet optional={actual.IsOptional}");
        });
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void Partition_keys_are_folders_not_columns(string table)
    {
        var catalog = EventSchema.Tables.Single(t => t.Name == table);
        var parquet = LakeTables.Schema(table == "events" ? LakeTable.Events : LakeTable.BadRows);

        Assert.Equal(["year", "month", "day", "hour"], catalog.PartitionKeys.Select(k => k.Name));
        Assert.All(catalog.PartitionKeys, key => Assert.Equal(-1, parquet.IndexOf(key.Name)));
        Assert.StartsWith(table + "/year=2024/month=05/day=01/hour=12/", LakeFileNames.PartitionPrefix(table == "events" ? LakeTable.Events : LakeTable.BadRows, PartitionKeys.From(new DateTimeOffset(2024, 5, 1, 12, 30, 0, TimeSpan.Zero))), StringComparison.Ordinal);
    }

    [Fact]
    public void The_columns_are_the_ones_the_json_rows_carry()
    {
        Assert.Equal(EventRowJson.Columns, LakeTables.Events.Columns.Select(c => c.Name));
        Assert.Equal(EventRowJson.BadRowColumns, LakeTables.BadRows.Columns.Select(c => c.Name));
    }

    // The mapping the lake promises (DESIGN.md, spec 06): what Athena and DuckDB read each catalog type as.
    private static (ParquetPhysicalType, ParquetLogicalType) TypeOf(LakeType type) => type switch
    {
        LakeType.Timestamp => (ParquetPhysicalType.Int64, ParquetLogicalType.TimestampMillis),
        LakeType.String => (ParquetPhysicalType.ByteArray, ParquetLogicalType.String),
        LakeType.Int => (ParquetPhysicalType.Int32, ParquetLogicalType.None),
        LakeType.BigInt => (ParquetPhysicalType.Int64, ParquetLogicalType.None),
        LakeType.Double => (ParquetPhysicalType.Double, ParquetLogicalType.None),
        LakeType.Boolean => (ParquetPhysicalType.Boolean, ParquetLogicalType.None),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
