namespace Gateway.Aws.Glue;

/// <summary>A Glue <c>TableInput</c> (botocore <c>glue/2017-03-31</c>): what CreateTable and UpdateTable take and GetTable returns the fields of.</summary>
/// <param name="Name">Table name, lower case.</param>
/// <param name="Description">What one row is; null when not set.</param>
/// <param name="TableType">Always <c>EXTERNAL_TABLE</c> for the lake.</param>
/// <param name="Parameters">Table properties: classification, compression, partition projection.</param>
/// <param name="PartitionKeys">Hive partition keys in folder order.</param>
/// <param name="StorageDescriptor">Columns, location and the Parquet SerDe.</param>
public sealed record GlueTableInput(
    string Name,
    string? Description,
    string TableType,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<GlueColumn> PartitionKeys,
    GlueStorageDescriptor StorageDescriptor);

/// <summary>A Glue column or partition key.</summary>
/// <param name="Name">Lower-case name.</param>
/// <param name="Type">Hive type name: string, int, bigint, double, boolean, timestamp.</param>
/// <param name="Comment">Description shown by Athena and the Glue console; null when not set.</param>
public sealed record GlueColumn(string Name, string Type, string? Comment = null);

/// <summary>A Glue <c>StorageDescriptor</c>.</summary>
/// <param name="Columns">Data columns in file order.</param>
/// <param name="Location">The table root, ending with <c>/</c>.</param>
/// <param name="InputFormat">Hive input format class.</param>
/// <param name="OutputFormat">Hive output format class.</param>
/// <param name="Compressed">Glue's flag; false for Parquet, whose pages carry their own codec.</param>
/// <param name="SerdeInfo">The SerDe and its parameters.</param>
public sealed record GlueStorageDescriptor(
    IReadOnlyList<GlueColumn> Columns,
    string Location,
    string InputFormat,
    string OutputFormat,
    bool Compressed,
    GlueSerDeInfo SerdeInfo);

/// <summary>A Glue <c>SerDeInfo</c>.</summary>
/// <param name="SerializationLibrary">SerDe class.</param>
/// <param name="Parameters">SerDe parameters.</param>
public sealed record GlueSerDeInfo(string SerializationLibrary, IReadOnlyDictionary<string, string> Parameters);

/// <summary>A table definition as the JSON the Glue API and <c>aws glue create-table --table-input</c> take.</summary>
public static class GlueTableJson
{
    /// <summary><paramref name="table"/> as an indented JSON <c>TableInput</c>, members named as the API names them, nulls left out.</summary>
    public static string Serialize(GlueTableInput table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var node = System.Text.Json.JsonSerializer.SerializeToNode(table, Internal.GlueAthenaJsonContext.Default.GlueTableInput)!;
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            node.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
