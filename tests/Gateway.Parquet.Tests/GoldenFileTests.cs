using Gateway.Parquet.Tests.Support;

namespace Gateway.Parquet.Tests;

/// <summary>
/// The golden file of spec 07 §7.9 (read correctly by hyparquet and arrow-rs): with the same settings our writer must
/// produce it byte for byte.
/// </summary>
public sealed class GoldenFileTests
{
    private static readonly ParquetWriterOptions GoldenOptions = new()
    {
        Codec = ParquetCodec.Uncompressed,
        CreatedBy = "mini_parquet.py (spec check)",
        WriteDeprecatedStatistics = false,
        WriteColumnOrders = false,
    };

    private static byte[] GoldenBytes => Convert.FromHexString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "golden-7.9.hex")).Trim());

    [Fact]
    public void Writer_reproduces_the_spec_golden_file_byte_for_byte()
    {
        var written = GoldenTable(eventDictionary: false).ToBytes(GoldenOptions);

        Assert.Equal(460, GoldenBytes.Length);
        Assert.Equal(Convert.ToHexString(GoldenBytes), Convert.ToHexString(written));
    }

    [Fact]
    public void A_dictionary_that_outgrows_its_limit_falls_back_to_exactly_the_plain_chunk()
    {
        // "DE","US" take 12 dictionary bytes and fit; "click","view" take 17 and fall back to PLAIN, which is what
        // the golden file holds for that column.
        var written = GoldenTable(eventDictionary: true).ToBytes(GoldenOptions with { DictionaryPageBytes = 12 });

        Assert.Equal(Convert.ToHexString(GoldenBytes), Convert.ToHexString(written));
    }

    [Fact]
    public void Hyparquet_reads_the_golden_file_we_write()
    {
        using var directory = new TempDirectory();
        var table = GoldenTable(eventDictionary: false);
        var path = table.ToFile(directory.Path, "golden.parquet", GoldenOptions);

        var file = Hyparquet.Read(path).EnsureOk();

        table.AssertReadBack(file);
        Assert.Equal("TIMESTAMP_MILLIS", (string?)file.Schema[0]!["convertedType"]);
        Assert.Equal("UTF8", (string?)file.Schema[2]!["convertedType"]);
    }

    [Theory]
    [InlineData(ParquetCodec.Gzip)] // hyparquet inflates with node's zlib through its compressors hook
    [InlineData(ParquetCodec.Snappy)] // hyparquet's own Snappy decoder
    public void The_compressed_variants_of_the_golden_file_read_back_in_hyparquet(ParquetCodec codec)
    {
        using var directory = new TempDirectory();
        var table = GoldenTable(eventDictionary: false);
        var path = table.ToFile(directory.Path, $"golden-{codec}.parquet", GoldenOptions with { Codec = codec });

        table.AssertReadBack(Hyparquet.Read(path));
        var info = ParquetFileInfo.Read(path, includePages: true);
        Assert.All(info.RowGroups[0].Columns, chunk => Assert.Equal(codec, chunk.Codec));
    }

    [Fact]
    public void Gzip_pages_are_rfc1952_members_that_inflate_to_the_uncompressed_pages()
    {
        var table = GoldenTable(eventDictionary: false);
        var plain = table.ToBytes(GoldenOptions);
        var gzip = table.ToBytes(GoldenOptions with { Codec = ParquetCodec.Gzip });
        var plainPages = Pages(plain);
        var gzipPages = Pages(gzip);

        Assert.Equal(plainPages.Count, gzipPages.Count);
        for (var i = 0; i < plainPages.Count; i++)
        {
            var body = gzipPages[i].Body;
            Assert.True(body[0] == 0x1F && body[1] == 0x8B, $"page {i} does not start with the gzip magic");
            using var inflate = new System.IO.Compression.GZipStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress);
            using var inflated = new MemoryStream();
            inflate.CopyTo(inflated);
            Assert.Equal(plainPages[i].Body, inflated.ToArray());
            Assert.Equal(plainPages[i].Info.UncompressedSize, gzipPages[i].Info.UncompressedSize);
            Assert.Equal(body.Length, gzipPages[i].Info.CompressedSize);
        }
    }

    internal static TestTable GoldenTable(bool eventDictionary) => new(
        [
            ParquetColumn.TimestampMillis("ts", optional: false),
            ParquetColumn.String("event") with { UseDictionary = eventDictionary },
            ParquetColumn.String("country") with { UseDictionary = true },
        ],
        [
            [1_700_000_000_000L, "click", "DE"],
            [1_700_000_001_000L, null, "US"],
            [1_700_000_002_000L, "view", "DE"],
        ]);

    private static List<(ParquetPageInfo Info, byte[] Body)> Pages(byte[] file)
    {
        var info = ParquetFileInfo.Read(new MemoryStream(file), includePages: true);
        return info.RowGroups.SelectMany(group => group.Columns).SelectMany(chunk => chunk.Pages)
            .Select(page => (page, file.AsSpan((int)page.Offset + page.HeaderSize, page.CompressedSize).ToArray()))
            .ToList();
    }
}
