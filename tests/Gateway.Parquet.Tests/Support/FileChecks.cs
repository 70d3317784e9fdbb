using System.Buffers.Binary;
using System.Text;

namespace Gateway.Parquet.Tests.Support;

/// <summary>
/// Checks a written file's metadata (read with <see cref="ParquetFileInfo"/>) against the rows the test wrote:
/// layout invariants of the format, and statistics computed here independently from the values.
/// </summary>
internal static class FileChecks
{
    /// <summary>parquet-java's rule, which the writer follows: no min/max when together they take 4096 bytes or more.</summary>
    private const int MaxStatisticsBytes = 4096;

    public static ParquetFileInfo AssertLayoutAndStatistics(TestTable table, byte[] file, ParquetWriterOptions options)
    {
        var info = ParquetFileInfo.Read(new MemoryStream(file), includePages: true);
        Assert.Equal(table.Rows.Count, info.NumRows);
        Assert.Equal(table.Rows.Count, info.RowGroups.Sum(group => group.NumRows));
        Assert.Equal(table.Schema.Columns.Select(c => (c.Name, c.Type, c.Logical, c.IsOptional)), info.Columns.Select(c => (c.Name, c.Type, c.Logical, c.IsOptional)));
        var firstRow = 0;
        var expectedOffset = 4L;
        foreach (var group in info.RowGroups)
        {
            Assert.True(group.NumRows > 0, "a row group without rows was written");
            Assert.Equal(group.Columns.Sum(chunk => chunk.TotalUncompressedSize), group.TotalByteSize);
            for (var c = 0; c < group.Columns.Count; c++)
            {
                var chunk = group.Columns[c];
                var column = table.Schema.Columns[c];
                var values = table.Rows.Skip(firstRow).Take((int)group.NumRows).Select(row => row[c]).ToList();
                AssertChunk(column, chunk, values, options, expectedOffset);
                expectedOffset += chunk.TotalCompressedSize;
            }

            firstRow += (int)group.NumRows;
        }

        Assert.Equal(file.Length - 8 - info.FooterLength, expectedOffset);
        return info;
    }

    private static void AssertChunk(ParquetColumn column, ParquetColumnChunkInfo chunk, List<object?> values, ParquetWriterOptions options, long expectedOffset)
    {
        var where = $"column '{column.Name}' chunk at {expectedOffset}";
        Assert.Equal(column.Name, chunk.Path);
        Assert.Equal(options.Codec, chunk.Codec);
        Assert.Equal(values.Count, chunk.NumValues);
        Assert.Equal(expectedOffset, chunk.DictionaryPageOffset ?? chunk.DataPageOffset);
        Assert.Equal(chunk.TotalCompressedSize, chunk.Pages.Sum(page => page.HeaderSize + (long)page.CompressedSize));
        Assert.Equal(chunk.TotalUncompressedSize, chunk.Pages.Sum(page => page.HeaderSize + (long)page.UncompressedSize));

        var dictionary = chunk.DictionaryPageOffset is not null;
        var expectedEncodings = dictionary
            ? new[] { ParquetEncoding.Plain, ParquetEncoding.Rle, ParquetEncoding.RleDictionary }
            : [ParquetEncoding.Plain, ParquetEncoding.Rle];
        Assert.Equal(expectedEncodings, chunk.Encodings);
        var dataPages = chunk.Pages.Where(page => page.Type == ParquetPageType.DataPage).ToList();
        Assert.Equal(chunk.Pages.Count - (dictionary ? 1 : 0), dataPages.Count);
        if (dictionary)
        {
            Assert.Equal(ParquetPageType.DictionaryPage, chunk.Pages[0].Type);
            Assert.Equal(ParquetEncoding.Plain, chunk.Pages[0].Encoding);
            Assert.Equal(ParquetPhysicalType.ByteArray, column.Type);
        }

        Assert.Equal(chunk.DataPageOffset, dataPages[0].Offset);
        var row = 0;
        foreach (var page in dataPages)
        {
            Assert.Equal(dictionary ? ParquetEncoding.RleDictionary : ParquetEncoding.Plain, page.Encoding);
            Assert.Equal(ParquetEncoding.Rle, page.DefinitionLevelEncoding);
            Assert.True(page.NumValues >= 1 && page.NumValues <= options.PageRowLimit, $"{where}: page of {page.NumValues} values, limit {options.PageRowLimit}");
            AssertStatistics(column, page.Statistics, values.GetRange(row, page.NumValues), options, $"{where}, page at {page.Offset}");
            row += page.NumValues;
        }

        Assert.Equal(values.Count, row);
        AssertStatistics(column, chunk.Statistics, values, options, where);
    }

    private static void AssertStatistics(ParquetColumn column, ParquetStatistics? statistics, List<object?> values, ParquetWriterOptions options, string where)
    {
        Assert.True(statistics is not null, $"{where}: no statistics");
        var present = values.Where(v => v is not null).Select(v => Plain(column, v!)).ToList();
        Assert.True(values.Count - present.Count == statistics.NullCount, $"{where}: null_count {statistics.NullCount}, expected {values.Count - present.Count}");
        byte[]? min = null;
        byte[]? max = null;
        if (column.Type == ParquetPhysicalType.Double)
        {
            var doubles = present.Select(bytes => BinaryPrimitives.ReadDoubleLittleEndian(bytes)).ToList();
            Assert.True(doubles.Count(double.IsNaN) == statistics.NanCount, $"{where}: nan_count {statistics.NanCount}");
            var numbers = doubles.Where(d => !double.IsNaN(d)).ToList();
            if (numbers.Count > 0)
            {
                // A zero minimum is written -0.0 and a zero maximum +0.0 (either zero may be in the data).
                var low = numbers.Min();
                var high = numbers.Max();
                min = Double(low == 0 ? -0.0 : low);
                max = Double(high == 0 ? 0.0 : high);
            }
        }
        else
        {
            Assert.Null(statistics.NanCount);
            if (present.Count > 0)
            {
                min = present.Aggregate((a, b) => Compare(column, a, b) <= 0 ? a : b);
                max = present.Aggregate((a, b) => Compare(column, a, b) >= 0 ? a : b);
            }
        }

        if (min is not null && max is not null && min.Length + max.Length >= MaxStatisticsBytes)
        {
            (min, max) = (null, null);
        }

        Assert.True(Same(min, statistics.MinValue), $"{where}: min_value {Hex(statistics.MinValue)}, expected {Hex(min)}");
        Assert.True(Same(max, statistics.MaxValue), $"{where}: max_value {Hex(statistics.MaxValue)}, expected {Hex(max)}");
        var deprecated = options.WriteDeprecatedStatistics && column.Type != ParquetPhysicalType.ByteArray;
        Assert.True(Same(deprecated ? min : null, statistics.DeprecatedMin), $"{where}: deprecated min {Hex(statistics.DeprecatedMin)}");
        Assert.True(Same(deprecated ? max : null, statistics.DeprecatedMax), $"{where}: deprecated max {Hex(statistics.DeprecatedMax)}");
    }

    /// <summary>The PLAIN encoding of a test cell (without the length prefix of byte arrays).</summary>
    private static byte[] Plain(ParquetColumn column, object value) => (column.Type, value) switch
    {
        (ParquetPhysicalType.Boolean, bool b) => [b ? (byte)1 : (byte)0],
        (ParquetPhysicalType.Int32, DateOnly date) => BitConverter.GetBytes(date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber),
        (ParquetPhysicalType.Int32, int i) => BitConverter.GetBytes(i),
        (ParquetPhysicalType.Int64, DateTimeOffset time) => BitConverter.GetBytes(time.ToUnixTimeMilliseconds()),
        (ParquetPhysicalType.Int64, int i) => BitConverter.GetBytes((long)i),
        (ParquetPhysicalType.Int64, long l) => BitConverter.GetBytes(l),
        (ParquetPhysicalType.Double, double d) => Double(d),
        (ParquetPhysicalType.ByteArray, string s) => Encoding.UTF8.GetBytes(s),
        (ParquetPhysicalType.ByteArray, byte[] bytes) => bytes,
        _ => throw new ArgumentException($"no PLAIN form for {value.GetType()} in {column.Type}", nameof(value)),
    };

    /// <summary>Sort order of Parquet statistics: signed for numbers, false &lt; true, unsigned byte-wise for byte arrays.</summary>
    private static int Compare(ParquetColumn column, byte[] a, byte[] b) => column.Type switch
    {
        ParquetPhysicalType.Boolean => a[0].CompareTo(b[0]),
        ParquetPhysicalType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt32LittleEndian(b)),
        ParquetPhysicalType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt64LittleEndian(b)),
        _ => CompareUnsigned(a, b),
    };

    private static int CompareUnsigned(byte[] a, byte[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return a[i] < b[i] ? -1 : 1;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private static byte[] Double(double value) => BitConverter.GetBytes(value);

    private static bool Same(byte[]? expected, byte[]? actual) =>
        expected is null ? actual is null : actual is not null && expected.AsSpan().SequenceEqual(actual);

    private static string Hex(byte[]? bytes) => bytes is null ? "(none)" : Convert.ToHexString(bytes);
}
