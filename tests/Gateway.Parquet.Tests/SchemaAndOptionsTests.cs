using System.Text.RegularExpressions;

namespace Gateway.Parquet.Tests;

/// <summary>Validation of columns, schemas and options, with errors that name the input and the fix.</summary>
public sealed partial class SchemaAndOptionsTests
{
    private static readonly ParquetSchema Schema = new(
        ParquetColumn.TimestampMillis("ts", optional: false),
        ParquetColumn.String("name"),
        ParquetColumn.Int64("count"));

    [Theory]
    [InlineData("Country")] // upper case
    [InlineData("")] // empty
    [InlineData("page-url")] // dash
    [InlineData("größe")] // non-ASCII letters
    [InlineData("a b")] // space
    public void Column_names_outside_lower_case_ascii_are_refused_with_a_suggestion(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => ParquetColumn.String(name));

        Assert.Contains(name == string.Empty ? "non-empty" : $"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ParquetPhysicalType.Int32, ParquetLogicalType.String)] // STRING needs BYTE_ARRAY
    [InlineData(ParquetPhysicalType.Int32, ParquetLogicalType.TimestampMillis)] // TIMESTAMP needs INT64
    [InlineData(ParquetPhysicalType.Int64, ParquetLogicalType.Date)] // DATE needs INT32
    [InlineData(ParquetPhysicalType.Double, ParquetLogicalType.String)]
    public void A_logical_type_on_the_wrong_physical_type_is_refused(ParquetPhysicalType type, ParquetLogicalType logical)
    {
        var error = Assert.Throws<ArgumentException>(() => new ParquetColumn("col", type, logical));

        Assert.Contains("'col'", error.Message, StringComparison.Ordinal);
        Assert.Contains(logical.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_column_names_are_refused_naming_both_positions()
    {
        var error = Assert.Throws<ArgumentException>(() => new ParquetSchema(ParquetColumn.Int32("a"), ParquetColumn.String("a")));

        Assert.Contains("'a' appears twice (positions 0 and 1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_with_expression_cannot_sneak_a_bad_name_into_a_schema() =>
        Assert.Throws<ArgumentException>(() => new ParquetSchema(ParquetColumn.Int32("a") with { Name = "A" }));

    [Fact]
    public void Schema_finds_columns_by_name()
    {
        Assert.Equal(2, Schema.IndexOf("count"));
        Assert.Equal(-1, Schema.IndexOf("missing"));
    }

    [Theory]
    [InlineData(nameof(ParquetWriterOptions.PageBytes))]
    [InlineData(nameof(ParquetWriterOptions.RowGroupBytes))]
    [InlineData(nameof(ParquetWriterOptions.PageRowLimit))]
    [InlineData(nameof(ParquetWriterOptions.DictionaryPageBytes))]
    public void Out_of_range_options_are_refused_by_name(string option)
    {
        var options = option switch
        {
            nameof(ParquetWriterOptions.PageBytes) => new ParquetWriterOptions { PageBytes = 0 },
            nameof(ParquetWriterOptions.RowGroupBytes) => new ParquetWriterOptions { RowGroupBytes = 2L << 30 },
            nameof(ParquetWriterOptions.PageRowLimit) => new ParquetWriterOptions { PageRowLimit = -1 },
            _ => new ParquetWriterOptions { DictionaryPageBytes = -1 },
        };

        var error = Assert.Throws<ArgumentException>(() => ParquetWriter.Create(new MemoryStream(), Schema, options));

        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_created_by_is_parseable_by_parquet_java()
    {
        var createdBy = new ParquetWriterOptions().CreatedBy;

        // parquet-java's VersionParser pattern, matched against the whole string as Java's matches() does.
        var match = VersionParser().Match(createdBy);

        Assert.True(match.Success, createdBy);
        Assert.Equal("gateway", match.Groups[1].Value);
        Assert.Matches(@"^\d+\.\d+\.\d+", match.Groups[2].Value);
        Assert.NotEmpty(match.Groups[3].Value);
    }

    [GeneratedRegex(@"^(.*?)\s+version\s*(?:([^(]*?)\s*(?:\(\s*build\s*([^)]*?)\s*\))?)?$")]
    private static partial Regex VersionParser();
}
