using Gateway.Parquet.Tests.Support;

namespace Gateway.Parquet.Tests;

/// <summary>Pages, row groups, dictionary fallback and statistics, checked with our reader and with hyparquet.</summary>
public sealed class LayoutTests
{
    [Theory]
    [InlineData("boolean")]
    [InlineData("int32")]
    [InlineData("int64")]
    [InlineData("double")] // NaN counted in nan_count, never min/max; zeros written -0.0 / +0.0
    [InlineData("string")] // min/max unsigned byte-wise, no deprecated min/max
    [InlineData("binary")]
    [InlineData("timestamp")]
    [InlineData("date")]
    public void Small_pages_and_row_groups_split_the_data_and_every_page_has_exact_statistics(string kind)
    {
        var table = MixedTable(kind, rows: 700, seed: kind.Length);
        var options = new ParquetWriterOptions { Codec = ParquetCodec.Snappy, PageBytes = 200, PageRowLimit = 50, RowGroupBytes = 2000 };
        using var directory = new TempDirectory();
        var bytes = table.ToBytes(options);
        var path = directory.File($"{kind}.parquet");
        File.WriteAllBytes(path, bytes);

        var info = FileChecks.AssertLayoutAndStatistics(table, bytes, options);

        Assert.True(info.RowGroups.Count > 2, $"{info.RowGroups.Count} row groups");
        Assert.All(info.RowGroups.SkipLast(1), group => Assert.All(group.Columns, chunk => Assert.True(chunk.Pages.Count > 1, $"{chunk.Path}: {chunk.Pages.Count} pages")));
        table.AssertReadBack(Hyparquet.Read(path));
    }

    [Fact]
    public void Pages_stay_near_the_target_size()
    {
        var rows = Enumerable.Range(0, 5000).Select(i => new object?[] { (long)i * 7919, $"value-{i % 97}-{new string('x', i % 40)}" });
        var table = new TestTable([ParquetColumn.Int64("n", optional: false), ParquetColumn.String("s")], rows);
        var options = new ParquetWriterOptions { Codec = ParquetCodec.Uncompressed, UseDictionary = false, PageBytes = 1024 };

        var info = FileChecks.AssertLayoutAndStatistics(table, table.ToBytes(options), options);

        foreach (var chunk in info.RowGroups[0].Columns)
        {
            var pages = chunk.Pages;
            // Every page but the last reaches the target; none passes it by more than one value and its level.
            Assert.All(pages.SkipLast(1), page => Assert.InRange(page.UncompressedSize, 1024, 1024 + 4 + 80 + 16));
            Assert.True(pages[^1].UncompressedSize <= 1024 + 100);
        }
    }

    [Fact]
    public void A_row_group_closes_when_the_buffered_bytes_reach_the_limit()
    {
        using var stream = new MemoryStream();
        var schema = new ParquetSchema(ParquetColumn.Int64("n", optional: false));
        using var writer = ParquetWriter.Create(stream, schema, new ParquetWriterOptions { RowGroupBytes = 800 }, leaveOpen: true);
        var groupsSeen = new List<long>();
        for (var i = 0; i < 250; i++)
        {
            writer.Write(0, (long)i);
            writer.EndRow();
            groupsSeen.Add(writer.BufferedBytes);
        }

        writer.Close();
        var info = ParquetFileInfo.Read(new MemoryStream(stream.ToArray()));

        // 8 bytes per row: the group closes at the 100th row (800 bytes), twice, and the rest go out on Close.
        Assert.Equal([100L, 100L, 50L], info.RowGroups.Select(group => group.NumRows));
        Assert.Equal(0, groupsSeen[99]);
        Assert.Equal(8 * 50, groupsSeen[^1]);
    }

    [Fact]
    public void FlushRowGroup_closes_the_open_group_and_skips_an_empty_one()
    {
        var table = MixedTable("string", rows: 30, seed: 3);
        using var stream = new MemoryStream();
        using (var writer = ParquetWriter.Create(stream, table.Schema, leaveOpen: true))
        {
            new TestTable(table.Schema, table.Rows.Take(10).ToList()).WriteRows(writer);
            writer.FlushRowGroup();
            writer.FlushRowGroup();
            new TestTable(table.Schema, table.Rows.Skip(10).ToList()).WriteRows(writer);
            Assert.Equal(1, writer.RowGroupCount);
        }

        var info = ParquetFileInfo.Read(new MemoryStream(stream.ToArray()));
        Assert.Equal([10L, 20L], info.RowGroups.Select(group => group.NumRows));
    }

    [Fact]
    public void A_dictionary_past_its_limit_makes_that_chunk_plain_while_small_ones_stay_dictionary_encoded()
    {
        var rows = Enumerable.Range(0, 400).Select(i => new object?[]
        {
            i < 200 ? $"unique-{i:D5}-{Guid.NewGuid()}" : $"few-{i % 3}", // first row group: many distinct values
            i % 5 == 0 ? null : $"country-{i % 4}",
        });
        var table = new TestTable([ParquetColumn.String("id"), ParquetColumn.String("country")], rows);
        var options = new ParquetWriterOptions { DictionaryPageBytes = 2000, PageBytes = 512 };
        using var directory = new TempDirectory();
        var path = directory.File("fallback.parquet");
        using (var stream = File.Create(path))
        using (var writer = ParquetWriter.Create(stream, table.Schema, options))
        {
            new TestTable(table.Schema, table.Rows.Take(200).ToList()).WriteRows(writer);
            writer.FlushRowGroup();
            new TestTable(table.Schema, table.Rows.Skip(200).ToList()).WriteRows(writer);
        }

        var bytes = File.ReadAllBytes(path);
        var info = FileChecks.AssertLayoutAndStatistics(table, bytes, options);

        Assert.Null(info.RowGroups[0].Columns[0].DictionaryPageOffset); // 200 distinct ids: past 2000 bytes, PLAIN
        Assert.NotNull(info.RowGroups[0].Columns[1].DictionaryPageOffset);
        Assert.NotNull(info.RowGroups[1].Columns[0].DictionaryPageOffset); // the next chunk tries the dictionary again
        Assert.NotNull(info.RowGroups[1].Columns[1].DictionaryPageOffset);
        table.AssertReadBack(Hyparquet.Read(path));
    }

    [Fact]
    public void A_chunk_of_mostly_distinct_values_drops_its_dictionary_early_and_reads_back_the_same()
    {
        // 3 000 rows: ids all distinct, cities from eight; the ids' dictionary would fit its 1 MiB page, but at 2 048
        // values with more than three distinct in four it is not worth keeping.
        var rows = Enumerable.Range(0, 3_000).Select(i => new object?[] { $"evt-{i:D6}-{i * 7919 % 10007:D5}", $"city-{i % 8}" }).ToList();
        var table = new TestTable([ParquetColumn.String("id"), ParquetColumn.String("city")], rows);
        var options = new ParquetWriterOptions();
        using var directory = new TempDirectory();
        var path = table.ToFile(directory.Path, "distinct.parquet", options);

        var info = FileChecks.AssertLayoutAndStatistics(table, File.ReadAllBytes(path), options);

        Assert.Null(info.RowGroups[0].Columns[0].DictionaryPageOffset);
        Assert.NotNull(info.RowGroups[0].Columns[1].DictionaryPageOffset);
        DuckDbRead.AssertReadBack(table, path);
        table.AssertReadBack(Hyparquet.Read(path));

        // Below the check's length, distinct values keep their dictionary as before.
        var few = new TestTable(table.Schema, rows.Take(2_000).ToList());
        var fewPath = few.ToFile(directory.Path, "few.parquet", options);
        Assert.NotNull(ParquetFileInfo.Read(fewPath).RowGroups[0].Columns[0].DictionaryPageOffset);
    }

    [Fact]
    public void Zero_dictionary_bytes_writes_every_chunk_plain()
    {
        var table = MixedTable("string", rows: 100, seed: 9);
        var options = new ParquetWriterOptions { DictionaryPageBytes = 0 };

        var info = FileChecks.AssertLayoutAndStatistics(table, table.ToBytes(options), options);

        Assert.All(info.RowGroups.SelectMany(group => group.Columns), chunk => Assert.Null(chunk.DictionaryPageOffset));
    }

    [Fact]
    public void An_all_null_column_has_null_count_only_and_no_dictionary()
    {
        var rows = Enumerable.Range(0, 50).Select(i => new object?[] { i, null, null });
        var table = new TestTable([ParquetColumn.Int32("id", optional: false), ParquetColumn.String("s"), ParquetColumn.Double("d")], rows);
        var options = new ParquetWriterOptions();
        using var directory = new TempDirectory();
        var path = table.ToFile(directory.Path, "nulls.parquet", options);

        var info = FileChecks.AssertLayoutAndStatistics(table, File.ReadAllBytes(path), options);

        var strings = info.RowGroups[0].Columns[1];
        Assert.Null(strings.DictionaryPageOffset);
        Assert.Equal(50, strings.Statistics!.NullCount);
        Assert.Null(strings.Statistics.MinValue);
        Assert.Equal(0, info.RowGroups[0].Columns[2].Statistics!.NanCount);
        table.AssertReadBack(Hyparquet.Read(path));
    }

    [Fact]
    public void Only_nan_doubles_have_a_nan_count_and_no_min_or_max()
    {
        var table = new TestTable([ParquetColumn.Double("d")], [[double.NaN], [null], [double.NaN]]);

        var info = FileChecks.AssertLayoutAndStatistics(table, table.ToBytes(new ParquetWriterOptions()), new ParquetWriterOptions());

        var statistics = info.RowGroups[0].Columns[0].Statistics!;
        Assert.Equal(2, statistics.NanCount);
        Assert.Equal(1, statistics.NullCount);
        Assert.Null(statistics.MinValue);
        Assert.Null(statistics.DeprecatedMin);
    }

    [Fact]
    public void Zeros_are_written_as_negative_zero_minimum_and_positive_zero_maximum()
    {
        var table = new TestTable([ParquetColumn.Double("d", optional: false)], [[0.0], [-0.0], [0.0]]);

        var statistics = ParquetFileInfo.Read(new MemoryStream(table.ToBytes(new ParquetWriterOptions()))).RowGroups[0].Columns[0].Statistics!;

        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits((double)statistics.Min!));
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.0), BitConverter.DoubleToInt64Bits((double)statistics.Max!));
    }

    [Fact]
    public void Strings_compare_as_unsigned_utf8_bytes_not_utf16()
    {
        // U+FF5E sorts after U+1F600 in UTF-16 code units (0xFF5E > 0xD83D) but before it in UTF-8 bytes (EF < F0).
        var table = new TestTable([ParquetColumn.String("s", optional: false)], [["\uFF5E"], ["😀"], ["a"]]);

        var statistics = ParquetFileInfo.Read(new MemoryStream(table.ToBytes(new ParquetWriterOptions()))).RowGroups[0].Columns[0].Statistics!;

        Assert.Equal("a", statistics.Min);
        Assert.Equal("😀", statistics.Max);
        Assert.Null(statistics.DeprecatedMin);
    }

    [Fact]
    public void Long_strings_leave_min_and_max_out_like_parquet_java()
    {
        var table = new TestTable([ParquetColumn.String("s", optional: false)], [[new string('a', 3000)], [new string('b', 3000)]]);

        var statistics = ParquetFileInfo.Read(new MemoryStream(table.ToBytes(new ParquetWriterOptions()))).RowGroups[0].Columns[0].Statistics!;

        Assert.Equal(0, statistics.NullCount);
        Assert.Null(statistics.MinValue);
        Assert.Null(statistics.MaxValue);
    }

    [Fact]
    public void Integer_statistics_use_signed_order_and_repeat_in_the_deprecated_fields()
    {
        var table = new TestTable([ParquetColumn.Int64("n", optional: false)], [[-5L], [long.MaxValue], [long.MinValue], [3L]]);

        var statistics = ParquetFileInfo.Read(new MemoryStream(table.ToBytes(new ParquetWriterOptions()))).RowGroups[0].Columns[0].Statistics!;

        Assert.Equal(long.MinValue, statistics.Min);
        Assert.Equal(long.MaxValue, statistics.Max);
        Assert.Equal(statistics.MinValue, statistics.DeprecatedMin);
        Assert.Equal(statistics.MaxValue, statistics.DeprecatedMax);
    }

    /// <summary>An id column and a value column of the kind with random values (edges mixed in) and about 15 % nulls.</summary>
    internal static TestTable MixedTable(string kind, int rows, int seed)
    {
        var random = new Random(seed);
        var edges = Values.Edges(kind);
        var list = new List<object?[]>();
        for (var i = 0; i < rows; i++)
        {
            var value = random.Next(100) switch
            {
                < 15 => null,
                < 40 => edges[random.Next(edges.Length)],
                _ => RandomValue(kind, random),
            };
            list.Add([i, value]);
        }

        return new TestTable([ParquetColumn.Int32("id", optional: false), Values.Column(kind, "value", optional: true)], list);
    }

    private static object RandomValue(string kind, Random random) => kind switch
    {
        "boolean" => random.Next(2) == 0,
        "int32" => random.Next(int.MinValue, int.MaxValue),
        "int64" => random.NextInt64(long.MinValue, long.MaxValue),
        "double" => random.NextDouble() * Math.Pow(10, random.Next(-10, 10)) * (random.Next(2) == 0 ? -1 : 1),
        "string" => $"s{random.Next(40)}-{new string('é', random.Next(5))}",
        "binary" => Enumerable.Range(0, random.Next(6)).Select(_ => (byte)random.Next(256)).ToArray(),
        "timestamp" => random.NextInt64(-8_640_000_000_000_000L, 8_640_000_000_000_000L),
        "date" => random.Next(-100_000_000, 100_000_000),
        _ => throw new ArgumentException($"unknown kind {kind}", nameof(kind)),
    };
}
