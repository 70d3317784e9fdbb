using Gateway.Parquet.Tests.Support;

namespace Gateway.Parquet.Tests;

/// <summary>
/// Every type × REQUIRED/OPTIONAL × codec × dictionary on/off, read back by hyparquet and by DuckDB: the values
/// written, nulls included, come back exactly. GZIP goes through hyparquet's compressors hook with node's zlib.
/// </summary>
public sealed class HyparquetRoundTripTests
{
    private static readonly ParquetCodec[] Codecs = [ParquetCodec.Uncompressed, ParquetCodec.Snappy, ParquetCodec.Gzip];

    [Theory]
    [InlineData("boolean")] // bit-packed PLAIN values
    [InlineData("int32")] // int.MinValue/MaxValue, negative values
    [InlineData("int64")] // long.MinValue/MaxValue, values beyond 2^53 (exact through BigInt)
    [InlineData("double")] // NaN, ±Infinity, -0.0, double.Epsilon, MaxValue
    [InlineData("string")] // empty, multi-byte UTF-8, emoji, NUL inside, repeats for the dictionary
    [InlineData("binary")] // unannotated BYTE_ARRAY: empty, 0x00, invalid UTF-8
    [InlineData("timestamp")] // epoch ms before 1970 and at the ends of the JavaScript Date range, DateTimeOffset with offset
    [InlineData("date")] // DateOnly.MinValue/MaxValue, 1600-02-29, ±100 million days
    public void Hyparquet_reads_back_every_value_for_each_codec_repetition_and_encoding(string kind)
    {
        using var directory = new TempDirectory();
        var cases = new List<(TestTable Table, string Path)>();
        foreach (var optional in new[] { false, true })
        {
            foreach (var codec in Codecs)
            {
                foreach (var dictionary in new[] { false, true })
                {
                    var table = Table(kind, optional);
                    var options = new ParquetWriterOptions { Codec = codec, UseDictionary = dictionary };
                    var name = $"{kind}-{(optional ? "optional" : "required")}-{codec}-{(dictionary ? "dict" : "plain")}.parquet";
                    cases.Add((table, table.ToFile(directory.Path, name, options)));
                }
            }
        }

        var files = Hyparquet.ReadAll(cases.Select(c => c.Path).ToList());

        for (var i = 0; i < cases.Count; i++)
        {
            cases[i].Table.AssertReadBack(files[i]);
            var schema = files[i].Schema[1]!;
            Assert.Equal(cases[i].Table.Schema.Columns[1].IsOptional ? "OPTIONAL" : "REQUIRED", (string?)schema["repetition"]);
        }
    }

    [Theory]
    [InlineData("boolean")]
    [InlineData("int32")]
    [InlineData("int64")]
    [InlineData("double")]
    [InlineData("string")]
    [InlineData("binary")]
    [InlineData("timestamp")]
    [InlineData("date")]
    public void Duckdb_reads_back_every_value_for_each_codec_repetition_and_encoding(string kind)
    {
        using var directory = new TempDirectory();
        foreach (var optional in new[] { false, true })
        {
            foreach (var codec in Codecs)
            {
                foreach (var dictionary in new[] { false, true })
                {
                    var table = Table(kind, optional);
                    var options = new ParquetWriterOptions { Codec = codec, UseDictionary = dictionary };
                    var path = table.ToFile(directory.Path, $"{kind}-{(optional ? "optional" : "required")}-{codec}-{(dictionary ? "dict" : "plain")}.parquet", options);

                    DuckDbRead.AssertReadBack(table, path);
                }
            }
        }
    }

    [Theory]
    [InlineData("string", "UTF8", "STRING")]
    [InlineData("timestamp", "TIMESTAMP_MILLIS", "TIMESTAMP")]
    [InlineData("date", "DATE", "DATE")]
    [InlineData("int64", null, null)] // plain integers carry no annotation
    [InlineData("binary", null, null)]
    public void Hyparquet_sees_the_logical_and_converted_types(string kind, string? converted, string? logical)
    {
        using var directory = new TempDirectory();
        var path = Table(kind, optional: true).ToFile(directory.Path, "types.parquet", new ParquetWriterOptions());

        var column = Hyparquet.Read(path).EnsureOk().Schema[1]!;

        Assert.Equal(converted, (string?)column["convertedType"]);
        var logicalJson = (string?)column["logicalType"];
        if (logical is null)
        {
            Assert.Null(logicalJson);
        }
        else
        {
            Assert.Contains($"\"type\":\"{logical}\"", logicalJson, StringComparison.Ordinal);
        }

        if (kind == "timestamp")
        {
            Assert.Contains("\"isAdjustedToUTC\":true", logicalJson, StringComparison.Ordinal);
            Assert.Contains("\"unit\":\"MILLIS\"", logicalJson, StringComparison.Ordinal);
        }
    }

    /// <summary>An id column plus one column of the kind: edge values in a repeating cycle, with leading, trailing and runs of nulls when optional.</summary>
    private static TestTable Table(string kind, bool optional)
    {
        var edges = Values.Edges(kind);
        var rows = new List<object?[]>();
        for (var i = 0; i < 60; i++)
        {
            var isNull = optional && (i == 0 || i == 59 || i % 7 == 3 || (i >= 20 && i < 32));
            rows.Add([i, isNull ? null : edges[i % edges.Length]]);
        }

        return new TestTable([ParquetColumn.Int32("id", optional: false), Values.Column(kind, "value", optional)], rows);
    }
}
