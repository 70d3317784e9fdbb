using System.Text.Json.Nodes;
using Gateway.Aws.Glue;

namespace Gateway.Aws.Tests.GlueAthena;

/// <summary>The table of spec 06 §6.2 (Hive-partitioned Parquet with projection), as a record and as the spec's JSON.</summary>
internal static class Tables
{
    public const string ParquetSerDe = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";
    public const string ParquetInput = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
    public const string ParquetOutput = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";

    /// <summary>The CreateTable request body of spec 06 §6.2, verbatim.</summary>
    public const string SpecCreateTableBody = """
        {
          "DatabaseName": "analytics",
          "TableInput": {
            "Name": "events",
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {
              "EXTERNAL": "TRUE",
              "classification": "parquet",
              "parquet.compression": "SNAPPY",
              "projection.enabled": "true",
              "projection.year.type": "integer",
              "projection.year.range": "2024,2035",
              "projection.month.type": "integer",
              "projection.month.range": "1,12",
              "projection.month.digits": "2",
              "projection.day.type": "integer",
              "projection.day.range": "1,31",
              "projection.day.digits": "2",
              "storage.location.template": "s3://bucket/events/year=${year}/month=${month}/day=${day}/"
            },
            "PartitionKeys": [
              { "Name": "year",  "Type": "string" },
              { "Name": "month", "Type": "string" },
              { "Name": "day",   "Type": "string" }
            ],
            "StorageDescriptor": {
              "Columns": [
                { "Name": "ts",      "Type": "timestamp" },
                { "Name": "event",   "Type": "string" },
                { "Name": "country", "Type": "string" }
              ],
              "Location": "s3://bucket/events/",
              "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
              "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
              "Compressed": false,
              "SerdeInfo": {
                "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                "Parameters": { "serialization.format": "1" }
              }
            }
          }
        }
        """;

    /// <summary>The spec's TableInput as JSON.</summary>
    public static JsonObject SpecTableInputJson() => (JsonObject)JsonNode.Parse(SpecCreateTableBody)!["TableInput"]!.DeepClone();

    /// <summary>The spec's table as the record the client takes.</summary>
    public static GlueTableInput Events() => new(
        "events",
        null,
        "EXTERNAL_TABLE",
        new Dictionary<string, string>
        {
            ["EXTERNAL"] = "TRUE",
            ["classification"] = "parquet",
            ["parquet.compression"] = "SNAPPY",
            ["projection.enabled"] = "true",
            ["projection.year.type"] = "integer",
            ["projection.year.range"] = "2024,2035",
            ["projection.month.type"] = "integer",
            ["projection.month.range"] = "1,12",
            ["projection.month.digits"] = "2",
            ["projection.day.type"] = "integer",
            ["projection.day.range"] = "1,31",
            ["projection.day.digits"] = "2",
            ["storage.location.template"] = "s3://bucket/events/year=${year}/month=${month}/day=${day}/",
        },
        [new("year", "string"), new("month", "string"), new("day", "string")],
        new GlueStorageDescriptor(
            [new("ts", "timestamp"), new("event", "string"), new("country", "string")],
            "s3://bucket/events/",
            ParquetInput,
            ParquetOutput,
            false,
            new GlueSerDeInfo(ParquetSerDe, new Dictionary<string, string> { ["serialization.format"] = "1" })));

    /// <summary><paramref name="table"/> with its parameters changed by <paramref name="edit"/>.</summary>
    public static GlueTableInput WithParameters(this GlueTableInput table, Action<Dictionary<string, string>> edit)
    {
        var parameters = new Dictionary<string, string>(table.Parameters);
        edit(parameters);
        return table with { Parameters = parameters };
    }

    /// <summary><paramref name="table"/> with <paramref name="columns"/> as its data columns.</summary>
    public static GlueTableInput WithColumns(this GlueTableInput table, params GlueColumn[] columns) =>
        table with { StorageDescriptor = table.StorageDescriptor with { Columns = columns } };
}
