namespace Gateway.Parquet.Tests;

/// <summary>The metadata reader against the annotated golden file of spec 07 §7.9.</summary>
public sealed class FileInfoTests
{
    private static readonly byte[] Golden = Convert.FromHexString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "golden-7.9.hex")).Trim());

    [Fact]
    public void The_golden_footer_reads_as_annotated_in_the_spec()
    {
        var info = ParquetFileInfo.Read(new MemoryStream(Golden), includePages: true);

        Assert.Equal(2, info.Version);
        Assert.Equal("mini_parquet.py (spec check)", info.CreatedBy);
        Assert.Equal(3, info.NumRows);
        Assert.Equal(263, info.FooterLength);
        Assert.Equal(0, info.ColumnOrderCount);
        Assert.Equal(
            [("ts", ParquetPhysicalType.Int64, ParquetLogicalType.TimestampMillis, false), ("event", ParquetPhysicalType.ByteArray, ParquetLogicalType.String, true), ("country", ParquetPhysicalType.ByteArray, ParquetLogicalType.String, true)],
            info.Columns.Select(c => (c.Name, c.Type, c.Logical, c.IsOptional)));
        var group = Assert.Single(info.RowGroups);
        Assert.Equal(185, group.TotalByteSize);
        Assert.Equal([65L, 57L, 63L], group.Columns.Select(c => c.TotalCompressedSize));
        Assert.Equal([4L, 69L, 151L], group.Columns.Select(c => c.DataPageOffset));
        Assert.Equal(126, group.Columns[2].DictionaryPageOffset);
        Assert.Equal([ParquetEncoding.Plain, ParquetEncoding.Rle, ParquetEncoding.RleDictionary], group.Columns[2].Encodings);
        Assert.Equal(1_700_000_000_000L, group.Columns[0].Statistics!.Min);
        Assert.Equal(1_700_000_002_000L, group.Columns[0].Statistics!.Max);
        Assert.Equal(1L, group.Columns[1].Statistics!.NullCount);
        Assert.Equal("click", group.Columns[1].Statistics!.Min);
        Assert.Equal("view", group.Columns[1].Statistics!.Max);
        var pages = group.Columns[2].Pages;
        Assert.Equal([ParquetPageType.DictionaryPage, ParquetPageType.DataPage], pages.Select(p => p.Type));
        Assert.Equal([126L, 151L], pages.Select(p => p.Offset));
        Assert.Equal(2, pages[0].NumValues);
        Assert.Equal(ParquetEncoding.RleDictionary, pages[1].Encoding);
        Assert.Equal(9, pages[1].UncompressedSize);
        Assert.Equal("DE", pages[1].Statistics!.Min);
    }

    [Theory]
    [InlineData("")] // too short for magic and footer length
    [InlineData("504152310000000000000000")] // "PAR1" at the start only
    [InlineData("5041523100000000FFFFFF7F50415231")] // a footer length larger than the file
    public void Bytes_that_are_not_parquet_are_refused_as_invalid_data(string hex)
    {
        var error = Assert.Throws<InvalidDataException>(() => ParquetFileInfo.Read(new MemoryStream(Convert.FromHexString(hex))));

        Assert.Contains("Parquet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_that_cannot_seek_is_refused()
    {
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream();

        Assert.Throws<ArgumentException>(() => ParquetFileInfo.Read(pipe));
    }
}
