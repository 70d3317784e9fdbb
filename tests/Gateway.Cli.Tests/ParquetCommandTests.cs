using System.Text.RegularExpressions;
using Gateway.Parquet;
using Gateway.Parquet.Lake;

namespace Gateway.Cli.Tests;

/// <summary><c>gateway parquet inspect FILE</c>.</summary>
public sealed class ParquetCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-parquet-inspect-");

    [Fact]
    public async Task Inspect_prints_the_schema_rows_row_groups_codecs_and_statistics_of_a_lake_file()
    {
        var file = await WriteLakeFileAsync(ParquetCodec.Gzip);

        var (code, output, error) = Inspect(file);

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains("rows        3 in 1 row group(s)", output, StringComparison.Ordinal);
        Assert.Contains("schema: 41 column(s)", output, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"^\s+0\s+event_time\s+INT64\s+TIMESTAMP\(MILLIS,UTC\)\s+REQUIRED$", RegexOptions.Multiline), output);
        Assert.Matches(new Regex(@"^\s+5\s+page_url\s+BYTE_ARRAY\s+STRING\s+OPTIONAL$", RegexOptions.Multiline), output);
        Assert.Matches(new Regex(@"^\s+22\s+asn\s+INT64\s+-\s+OPTIONAL$", RegexOptions.Multiline), output);
        Assert.Contains("row group 0: 3 rows", output, StringComparison.Ordinal);
        // Per chunk: codec, 3 values, and min/max as a person reads them (timestamps in UTC).
        Assert.Matches(new Regex(@"^\s+event_time\s+GZIP\s+\S+\s+3\s+0\s+[\d,]+\s+[\d,]+\s+2024-05-01 12:00:00\.000Z\s+2024-05-01 12:59:00\.000Z$", RegexOptions.Multiline), output);
        Assert.Matches(new Regex(@"^\s+user_id\s+GZIP\s+\S+\s+3\s+3\s+[\d,]+\s+[\d,]+\s+-\s+-$", RegexOptions.Multiline), output);
        Assert.Matches(new Regex(@"^\s+event_id\s+GZIP\s+\S+\s+3\s+0\s+[\d,]+\s+[\d,]+\s+e-1\s+e-3$", RegexOptions.Multiline), output);
        Assert.Contains("created by  gateway version", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_pages_every_page_header_is_listed()
    {
        var file = await WriteLakeFileAsync(ParquetCodec.Snappy);

        var (code, output, _) = Inspect(file, pages: true);

        Assert.Equal(0, code);
        Assert.Matches(new Regex(@"^\s+event_time\s+DataPage\S*\s+[\d,]+\s+\S+\s+3\s+", RegexOptions.Multiline), output);
    }

    [Fact]
    public void A_file_that_is_not_parquet_is_an_error_naming_it()
    {
        var path = Path.Combine(_dir.FullName, "notes.parquet");
        File.WriteAllText(path, "not a parquet file at all");

        var (code, output, error) = Inspect(path);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains(path, error, StringComparison.Ordinal);
        Assert.Contains("is not a Parquet file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        var path = Path.Combine(_dir.FullName, "missing.parquet");

        var (code, _, error) = Inspect(path);

        Assert.Equal(1, code);
        Assert.Contains($"cannot read '{path}'", error, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static (int Code, string Output, string Error) Inspect(string path, bool pages = false)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = ParquetCommand.Inspect(path, pages, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<string> WriteLakeFileAsync(ParquetCodec codec)
    {
        var store = new DirectoryLakeStore(Path.Combine(_dir.FullName, "lake"));
        await using (var writer = LakeWriter.Create(store, new LakeWriterOptions { Codec = codec }))
        {
            writer.Add(LakeTestRows.Event("e-2", LakeTestRows.Noon.AddMinutes(59)), 0);
            writer.Add(LakeTestRows.Event("e-1", LakeTestRows.Noon), 1);
            writer.Add(LakeTestRows.Event("e-3", LakeTestRows.Noon.AddMinutes(30)), 2);
            await writer.FlushAllAsync();
        }

        return Directory.EnumerateFiles(store.Root, "*.parquet", SearchOption.AllDirectories).Single();
    }
}
