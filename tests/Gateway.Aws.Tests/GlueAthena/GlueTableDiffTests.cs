using Gateway.Aws.Glue;

namespace Gateway.Aws.Tests.GlueAthena;

/// <summary>What ApplyTable counts as a change: every member Glue stores, but not spelling Glue does not care about.</summary>
public sealed class GlueTableDiffTests
{
    private static readonly Dictionary<string, Func<GlueTableInput, GlueTableInput>> Edits = new()
    {
        ["column added"] = t => t.WithColumns([.. t.StorageDescriptor.Columns, new("asn", "int")]),
        ["column removed"] = t => t.WithColumns([.. t.StorageDescriptor.Columns.Take(2)]),
        ["column type"] = t => t.WithColumns(new("ts", "bigint"), new("event", "string"), new("country", "string")),
        ["column comment"] = t => t.WithColumns(new("ts", "timestamp", "UTC"), new("event", "string"), new("country", "string")),
        // Hive folders are year/month/day in this order; swapping them changes every partition path.
        ["partition key order"] = t => t with { PartitionKeys = [t.PartitionKeys[1], t.PartitionKeys[0], t.PartitionKeys[2]] },
        ["table parameter changed"] = t => t.WithParameters(p => p["parquet.compression"] = "ZSTD"),
        ["table parameter added"] = t => t.WithParameters(p => p["projection.hour.type"] = "integer"),
        ["description"] = t => t with { Description = "beacon hits" },
        ["table type"] = t => t with { TableType = "VIRTUAL_VIEW" },
        ["location"] = t => t with { StorageDescriptor = t.StorageDescriptor with { Location = "s3://bucket/events-v2/" } },
        ["input format"] = t => t with { StorageDescriptor = t.StorageDescriptor with { InputFormat = "org.apache.hadoop.mapred.TextInputFormat" } },
        ["output format"] = t => t with { StorageDescriptor = t.StorageDescriptor with { OutputFormat = "x" } },
        ["compressed"] = t => t with { StorageDescriptor = t.StorageDescriptor with { Compressed = true } },
        ["serde library"] = t => t with { StorageDescriptor = t.StorageDescriptor with { SerdeInfo = t.StorageDescriptor.SerdeInfo with { SerializationLibrary = "org.openx.data.jsonserde.JsonSerDe" } } },
        ["serde parameter"] = t => t with { StorageDescriptor = t.StorageDescriptor with { SerdeInfo = new(Tables.ParquetSerDe, new Dictionary<string, string>()) } },
    };

    private static readonly Dictionary<string, Func<GlueTableInput, GlueTableInput>> Equivalents = new()
    {
        ["same table"] = t => t,
        // Glue may hand back an empty description where the definition has none.
        ["empty description"] = t => t with { Description = "" },
        // Hive type names are case-insensitive (DDL written as STRING).
        ["upper-case type"] = t => t.WithColumns(new("ts", "TIMESTAMP"), new("event", "STRING"), new("country", "string")),
        // Written by the metastore on ALTER TABLE, never by us.
        ["transient_lastDdlTime"] = t => t.WithParameters(p => p["transient_lastDdlTime"] = "1700000000"),
        ["parameters in another order"] = t => t with { Parameters = t.Parameters.Reverse().ToDictionary() },
    };

    public static TheoryData<string> EditNames => [.. Edits.Keys];

    public static TheoryData<string> EquivalentNames => [.. Equivalents.Keys];

    [Theory]
    [MemberData(nameof(EditNames))]
    public void A_change_to_any_stored_member_is_reported(string edit)
    {
        var changes = GlueTableDiff.Describe(Edits[edit](Tables.Events()), Tables.Events());

        Assert.Single(changes);
    }

    [Theory]
    [MemberData(nameof(EquivalentNames))]
    public void Spelling_Glue_does_not_distinguish_is_no_change(string variant)
    {
        Assert.Empty(GlueTableDiff.Describe(Equivalents[variant](Tables.Events()), Tables.Events()));
    }

    [Fact]
    public void Changes_read_as_what_would_happen()
    {
        var existing = Tables.Events().WithParameters(p => p["projection.hour.type"] = "integer");
        var desired = Tables.Events()
            .WithColumns(new("ts", "bigint"), new("event", "string"), new("asn", "int"))
            .WithParameters(p => p["projection.year.range"] = "2024,2040");

        Assert.Equal(
            [
                "table parameter 'projection.year.range': '2024,2035' -> '2024,2040'",
                "table parameter 'projection.hour.type' removed",
                "column 'ts' type: timestamp -> bigint",
                "column 'asn' added (int)",
                "column 'country' removed",
            ],
            GlueTableDiff.Describe(existing, desired));
    }
}
