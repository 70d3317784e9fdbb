using System.Globalization;
using Gateway.Processing.Enrichment;

namespace Gateway.Catalog.Tests;

public sealed class GlueTablesTests
{
    private const string Lake = "s3://acme-lake/gateway/";

    public static TheoryData<string> Tables => [.. EventSchema.Tables.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Tables))]
    public void The_table_is_external_parquet_with_the_hive_classes_of_spec_06(string name)
    {
        var input = GlueTables.For(Table(name), Lake);

        Assert.Equal(name, input.Name);
        Assert.Equal("EXTERNAL_TABLE", input.TableType);
        Assert.Equal("TRUE", input.Parameters["EXTERNAL"]);
        Assert.Equal("parquet", input.Parameters["classification"]);
        Assert.Equal("SNAPPY", input.Parameters["parquet.compression"]);
        Assert.Equal("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", input.StorageDescriptor.SerdeInfo.SerializationLibrary);
        Assert.Equal("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", input.StorageDescriptor.InputFormat);
        Assert.Equal("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat", input.StorageDescriptor.OutputFormat);
        Assert.Equal("1", input.StorageDescriptor.SerdeInfo.Parameters["serialization.format"]);
        Assert.False(input.StorageDescriptor.Compressed);
        Assert.Equal($"s3://acme-lake/gateway/{name}/", input.StorageDescriptor.Location);
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void Columns_and_partition_keys_are_the_schema_s_in_order_with_glue_types_and_descriptions(string name)
    {
        var table = Table(name);
        var input = GlueTables.For(table, Lake);

        Assert.Equal(table.Columns.Select(c => (c.Name, c.Type.GlueName(), c.Description)), input.StorageDescriptor.Columns.Select(c => (c.Name, c.Type, c.Comment!)));
        Assert.Equal(["year", "month", "day", "hour"], input.PartitionKeys.Select(k => k.Name));
        Assert.All(input.PartitionKeys, k => Assert.Equal("string", k.Type));
        // Glue's limits: a column comment of at most 255 characters, a table description of at most 2 048.
        Assert.All(input.StorageDescriptor.Columns.Concat(input.PartitionKeys), c => Assert.True(c.Comment!.Length <= 255, $"{c.Name}: {c.Comment!.Length} characters"));
        Assert.True(input.Description!.Length <= 2048);
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void Every_partition_key_is_projected_as_zero_padded_integers(string name)
    {
        var parameters = GlueTables.For(Table(name), Lake, new GlueTableOptions { FirstYear = 2025, Years = 5 }).Parameters;

        Assert.Equal("true", parameters["projection.enabled"]);
        Assert.Equal(
            [("year", "2025,2029", "4"), ("month", "01,12", "2"), ("day", "01,31", "2"), ("hour", "00,23", "2")],
            new[] { "year", "month", "day", "hour" }.Select(k => (k, parameters[$"projection.{k}.range"], parameters[$"projection.{k}.digits"])));
        Assert.All(new[] { "year", "month", "day", "hour" }, k => Assert.Equal("integer", parameters[$"projection.{k}.type"]));
    }

    [Theory]
    [InlineData("2024-01-01T00:00:00Z")]
    [InlineData("2031-12-31T23:59:59.999Z")]
    [InlineData("2026-02-09T07:30:00Z")]
    public void The_location_template_filled_with_projected_values_is_the_folder_the_lake_writes(string time)
    {
        var input = GlueTables.For(EventSchema.Events, Lake);
        var template = input.Parameters["storage.location.template"];
        var at = DateTimeOffset.Parse(time, CultureInfo.InvariantCulture);

        // What Athena does: each key's projected integer, padded to its digits, in place of ${key}.
        var filled = template;
        foreach (var (key, value) in new[] { ("year", at.Year), ("month", at.Month), ("day", at.Day), ("hour", at.Hour) })
        {
            var digits = int.Parse(input.Parameters[$"projection.{key}.digits"], CultureInfo.InvariantCulture);
            filled = filled.Replace("${" + key + "}", value.ToString("D" + digits, CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        var keys = PartitionKeys.From(at);
        Assert.Equal($"s3://acme-lake/gateway/events/year={keys.Year}/month={keys.Month}/day={keys.Day}/hour={keys.Hour}/", filled);
        Assert.EndsWith("/", template, StringComparison.Ordinal);
        Assert.StartsWith(input.StorageDescriptor.Location, template, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("acme-lake/gateway/")]
    [InlineData("s3://")]
    [InlineData("s3:///prefix/")]
    [InlineData("https://acme-lake.s3.amazonaws.com/")]
    public void A_location_that_is_not_an_s3_uri_is_refused(string location)
    {
        var error = Assert.Throws<ArgumentException>(() => GlueTables.For(EventSchema.Events, location));
        Assert.Contains("s3://bucket/prefix/", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1969, 10)]
    [InlineData(2024, 0)]
    [InlineData(9999, 2)]
    public void Projected_years_outside_what_athena_and_the_lake_can_name_are_refused(int first, int years)
    {
        Assert.Throws<ArgumentException>(() => GlueTables.For(EventSchema.Events, Lake, new GlueTableOptions { FirstYear = first, Years = years }));
    }

    [Fact]
    public void Both_locations_spell_the_same_root_with_or_without_a_trailing_slash()
    {
        Assert.Equal(
            GlueTables.For(EventSchema.Events, "s3://acme-lake/gateway").StorageDescriptor.Location,
            GlueTables.For(EventSchema.Events, "s3://acme-lake/gateway/").StorageDescriptor.Location);
    }

    private static TableSchema Table(string name) => EventSchema.Tables.Single(t => t.Name == name);
}
